package io.switchboard.dispatch;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.switchboard.limit.RateLimit;
import io.switchboard.time.Ticker;

import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A worker's live state: identity, concurrency slots, an optional request rate limit, latency estimate and circuit
 * breaker. Selection reads it lock-free; {@link #tryAcquire()} and {@link #release()} are the only ways to change the
 * in-flight count.
 *
 * <p>The rate limit is a {@link RateLimit} (a generic cell rate algorithm). Like {@code max_concurrency} it is a
 * limit for the fleet: each engine instance takes its share.
 */
public final class Worker {

    /** Weight of the newest sample in the latency moving average. */
    private static final double EWMA_ALPHA = 0.2;

    private final String id;
    private final String pool;
    private final URI url;
    private final int weight;
    private final int maxConcurrency;
    private final CircuitBreaker breaker;
    private final Ticker ticker;
    private final long openNanos;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong ewmaLatencyNanos = new AtomicLong();
    private volatile int concurrencyLimit;
    private volatile long openedAtNanos;
    private volatile boolean draining;
    /** The fleet-wide {@code max_requests_per_second} and burst, enforced at this instance's share. */
    private final RateLimit rate = RateLimit.unlimited();
    private volatile Runnable onRelease = () -> { };

    public Worker(String id, String pool, URI url, int weight, int maxConcurrency, CircuitBreaker breaker,
                  Ticker ticker, long openNanos) {
        this.id = id;
        this.pool = pool;
        this.url = url;
        this.weight = weight;
        this.maxConcurrency = maxConcurrency;
        this.concurrencyLimit = maxConcurrency;
        this.breaker = breaker;
        this.ticker = ticker;
        this.openNanos = openNanos;
        breaker.getEventPublisher().onStateTransition(e -> {
            if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                openedAtNanos = ticker.nanoTime();
            }
        });
    }

    public String id() { return id; }

    public String pool() { return pool; }

    public URI url() { return url; }

    public int weight() { return weight; }

    /** The configured {@code max_concurrency}: a limit for every engine instance together. */
    public int maxConcurrency() { return maxConcurrency; }

    /** Requests this engine instance may have in flight to the worker: its share of {@link #maxConcurrency()}. */
    public int concurrencyLimit() { return concurrencyLimit; }

    /**
     * Takes this instance's share of {@code max_concurrency} when {@code instances} engines send to the worker:
     * ceil(max_concurrency / instances), at least 1. Slots already taken beyond a smaller share are kept until
     * released.
     */
    public void share(int instances) {
        int limit = Math.max(1, Math.ceilDiv(maxConcurrency, Math.max(1, instances)));
        int before = concurrencyLimit;
        concurrencyLimit = limit;
        double rateBefore = rate.perSecond();
        rate.share(instances);
        if (limit > before || rate.perSecond() > rateBefore) {
            // New slots: let waiting messages take them now rather than at the next release or tick.
            onRelease.run();
        }
    }

    /**
     * Limits requests to {@code perSecond} (for every engine instance together), with bursts of up to {@code burst}
     * at once; {@code perSecond} 0 lifts the limit. This instance's share is {@code perSecond / instances} and
     * ceil({@code burst / instances}), at least 1.
     */
    public void rateLimit(double perSecond, int burst) {
        rate.set(perSecond, burst);
    }

    /** This instance's share of the rate limit in requests per second, or 0 when the worker has none. */
    public double rateLimit() {
        return rate.perSecond();
    }

    /** Whether the rate limit admits a request now (always, without one). */
    public boolean rateAdmits() {
        return !rate.limited() || rate.admits(ticker.nanoTime());
    }

    /** Books the next request against the rate limit; false, booking nothing, when it is not admitted now. */
    private boolean takeRate() {
        return !rate.limited() || rate.tryTake(ticker.nanoTime());
    }

    public CircuitBreaker breaker() { return breaker; }

    /** How long an open circuit refuses calls before it admits probes. */
    public long openNanos() { return openNanos; }

    public int inFlight() { return inFlight.get(); }

    /** In-flight requests as a share of the concurrency limit, in [0, 1] (above 1 just after the share shrank). */
    public double load() {
        return (double) inFlight.get() / concurrencyLimit;
    }

    /** Moving average of successful attempt latency in nanoseconds; 0 until the first sample. */
    public long latencyNanos() {
        return ewmaLatencyNanos.get();
    }

    public void recordLatency(long nanos) {
        long prev;
        long next;
        do {
            prev = ewmaLatencyNanos.get();
            next = prev == 0 ? nanos : (long) (prev + EWMA_ALPHA * (nanos - prev));
        } while (!ewmaLatencyNanos.compareAndSet(prev, next));
    }

    /** Whether the circuit lets calls through now: closed, half-open, or open long enough to probe. */
    public boolean circuitAdmits() {
        return switch (breaker.getState()) {
            case CLOSED, HALF_OPEN, DISABLED, METRICS_ONLY -> true;
            case OPEN -> ticker.nanoTime() - openedAtNanos >= openNanos;
            case FORCED_OPEN -> false;
        };
    }

    /** Whether a selector may pick this worker: not drained, its circuit admits calls, a slot is free, its rate allows. */
    public boolean isUsable() {
        return !draining && inFlight.get() < concurrencyLimit && rateAdmits() && circuitAdmits();
    }

    /**
     * Takes the worker out of selection (for maintenance): attempts under way finish, no new one starts, until
     * {@link #undrain()}. The rest of the pool takes its share.
     */
    public void drain() {
        draining = true;
    }

    /** Puts a drained worker back into selection. */
    public void undrain() {
        draining = false;
        onRelease.run();
    }

    public boolean draining() {
        return draining;
    }

    /**
     * Takes a circuit-breaker permission, then a concurrency slot (the order the delivery chain defines), then a place
     * under the rate limit; returns false, holding nothing, when any is refused.
     */
    public boolean tryAcquire() {
        if (draining || !rateAdmits() || !breaker.tryAcquirePermission()) {
            return false;
        }
        int limit = concurrencyLimit;
        int n;
        do {
            n = inFlight.get();
            if (n >= limit) {
                breaker.releasePermission();
                return false;
            }
        } while (!inFlight.compareAndSet(n, n + 1));
        if (!takeRate()) {
            inFlight.decrementAndGet();
            breaker.releasePermission();
            return false;
        }
        return true;
    }

    /** Returns a slot taken by {@link #tryAcquire()} and lets the owner hand it to a waiting message. */
    public void release() {
        inFlight.decrementAndGet();
        onRelease.run();
    }

    /** Called after every release; the pool's dispatcher uses it to wake waiting messages. */
    public void onRelease(Runnable listener) {
        this.onRelease = listener;
    }

    @Override
    public String toString() {
        return id;
    }
}
