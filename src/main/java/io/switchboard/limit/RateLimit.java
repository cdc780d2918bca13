package io.switchboard.limit;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A request rate limit: a generic cell rate algorithm, i.e. a token bucket kept as one timestamp and changed by
 * compare-and-set. A request is admitted when the theoretical arrival time of the next one is at most
 * {@code (burst - 1)} intervals ahead of now, and each admitted request moves it one interval on.
 *
 * <p>The configured rate and burst are a limit for every engine instance together: after {@link #share(int)} this
 * instance admits {@code perSecond / instances} and ceil({@code burst / instances}), at least 1. Times are the
 * caller's monotonic nanoseconds and may wrap; only differences are compared.
 */
public final class RateLimit {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** Before the first request: nothing booked. */
    private static final long UNSET = Long.MIN_VALUE;

    /** This instance's share: nanoseconds between requests, how far ahead the next may be booked, and the burst. */
    private record Shape(long intervalNanos, long toleranceNanos, int burst) {
    }

    private static final Shape NONE = new Shape(0, 0, 0);

    /**
     * How one request fared.
     *
     * @param admitted        whether it may go
     * @param limit           this instance's burst: the most requests admitted at once
     * @param remaining       requests that would be admitted now, after this one
     * @param resetNanos      until the bucket is full again
     * @param retryAfterNanos until a refused request would be admitted (0 when admitted)
     */
    public record Permit(boolean admitted, int limit, int remaining, long resetNanos, long retryAfterNanos) {

        /** Whether a limit applied at all. */
        public boolean limited() {
            return limit > 0;
        }

        /** Whole seconds until the bucket is full again, rounded up. */
        public long resetSeconds() {
            return Math.ceilDiv(resetNanos, NANOS_PER_SECOND);
        }

        /** Whole seconds a refused caller should wait, rounded up, at least 1. */
        public long retryAfterSeconds() {
            return Math.max(1, Math.ceilDiv(retryAfterNanos, NANOS_PER_SECOND));
        }
    }

    /** The configured rate for all instances together (requests per second, 0 for none) and burst. */
    private volatile double perSecond;
    private volatile int burst = 1;
    private volatile int instances = 1;
    private volatile Shape shape = NONE;
    private final AtomicLong nextFreeNanos = new AtomicLong(UNSET);

    private RateLimit() {
    }

    /** No limit until {@link #set} gives one. */
    public static RateLimit unlimited() {
        return new RateLimit();
    }

    /** {@code perSecond} requests per second with bursts of up to {@code burst} at once. */
    public static RateLimit of(double perSecond, int burst) {
        return carriedOn(null, perSecond, burst);
    }

    /**
     * {@code previous} with new settings, keeping what has been spent against it (so that a reconfiguration hands out
     * no fresh burst); a new limit when {@code previous} is null. A {@code perSecond} of 0 means no limit.
     */
    public static RateLimit carriedOn(RateLimit previous, double perSecond, int burst) {
        RateLimit limit = previous != null ? previous : new RateLimit();
        limit.set(perSecond, burst);
        return limit;
    }

    /** Limits requests to {@code perSecond} (0 lifts the limit) with bursts of up to {@code burst} at once. */
    public void set(double perSecond, int burst) {
        this.perSecond = perSecond;
        this.burst = Math.max(1, burst);
        reshape();
    }

    /** Takes this instance's share when {@code instances} engines enforce the limit together; cheap when unchanged. */
    public void share(int instances) {
        int n = Math.max(1, instances);
        if (n != this.instances) {
            this.instances = n;
            reshape();
        }
    }

    private void reshape() {
        double rate = perSecond;
        if (rate <= 0) {
            shape = NONE;
            return;
        }
        int n = instances;
        long interval = Math.max(1, Math.round(1e9 * n / rate));
        int share = Math.max(1, Math.ceilDiv(burst, n));
        // Saturated far beyond any real wait, so that the differences compared below cannot overflow.
        long tolerance = share - 1 > (Long.MAX_VALUE / 4) / interval ? Long.MAX_VALUE / 4 : (share - 1) * interval;
        shape = new Shape(interval, tolerance, share);
    }

    /** Whether there is a limit at all. */
    public boolean limited() {
        return shape.intervalNanos() != 0;
    }

    /** This instance's share of the rate in requests per second, or 0 without a limit. */
    public double perSecond() {
        long interval = shape.intervalNanos();
        return interval == 0 ? 0 : 1e9 / interval;
    }

    /** This instance's share of the burst, or 0 without a limit. */
    public int burst() {
        return shape.burst();
    }

    /** Whether a request would be admitted at {@code now} (always, without a limit); books nothing. */
    public boolean admits(long now) {
        Shape s = shape;
        long next = nextFreeNanos.get();
        return s.intervalNanos() == 0 || next == UNSET || next - now <= s.toleranceNanos();
    }

    /** Books one request at {@code now}; false, booking nothing, when it is not admitted. */
    public boolean tryTake(long now) {
        return book(now, shape) >= 0;
    }

    /** Books one request at {@code now} and says how it fared, for the caller to tell its client. */
    public Permit take(long now) {
        Shape s = shape;
        long booked = book(now, s);
        if (s.intervalNanos() == 0) {
            return new Permit(true, 0, 0, 0, 0);
        }
        if (booked < 0) {
            long wait = -booked;
            return new Permit(false, s.burst(), 0, wait + s.toleranceNanos(), wait);
        }
        int remaining = (int) Math.max(0, s.burst() - Math.ceilDiv(booked, s.intervalNanos()));
        return new Permit(true, s.burst(), remaining, booked, 0);
    }

    /**
     * Books one request: the time from {@code now} until the bucket is full again (more than 0) when admitted, minus
     * the wait until one would be (less than 0) when not, and 0 without a limit.
     */
    private long book(long now, Shape s) {
        long interval = s.intervalNanos();
        if (interval == 0) {
            return 0;
        }
        while (true) {
            long next = nextFreeNanos.get();
            long from = next == UNSET || next - now < 0 ? now : next;
            long ahead = from - now;
            if (ahead > s.toleranceNanos()) {
                return -(ahead - s.toleranceNanos());
            }
            if (nextFreeNanos.compareAndSet(next, from + interval)) {
                return ahead + interval;
            }
        }
    }
}
