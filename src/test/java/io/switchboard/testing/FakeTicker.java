package io.switchboard.testing;

import io.switchboard.time.Ticker;

import java.time.Duration;

/** A {@link Ticker} that only moves when a test moves it; advancing moves the monotonic and the wall clock together. */
public final class FakeTicker implements Ticker {

    /** 2023-11-14T22:13:20Z: an arbitrary, recognisable wall-clock start. */
    public static final long DEFAULT_EPOCH_MILLIS = 1_700_000_000_000L;

    private long nanos;
    // The wall clock is derived from the monotonic one so that many sub-millisecond steps still add up.
    private long wallAnchorNanos;
    private long wallAnchorMillis;

    private FakeTicker(long startNanos, long startMillis) {
        this.nanos = startNanos;
        this.wallAnchorNanos = startNanos;
        this.wallAnchorMillis = startMillis;
    }

    /** A ticker reading zero nanoseconds. */
    public static FakeTicker create() {
        return startingAt(0);
    }

    /** A ticker whose monotonic reading starts at {@code startNanos} (try one near {@code Long.MAX_VALUE}). */
    public static FakeTicker startingAt(long startNanos) {
        return new FakeTicker(startNanos, DEFAULT_EPOCH_MILLIS);
    }

    @Override
    public synchronized long nanoTime() {
        return nanos;
    }

    @Override
    public synchronized long currentTimeMillis() {
        return wallAnchorMillis + Math.floorDiv(nanos - wallAnchorNanos, 1_000_000L);
    }

    /** Moves both clocks forward; the monotonic reading wraps past {@code Long.MAX_VALUE} as a real one may. */
    public FakeTicker advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("time only moves forward: " + duration);
        }
        return advanceNanos(duration.toNanos());
    }

    public synchronized FakeTicker advanceNanos(long delta) {
        if (delta < 0) {
            throw new IllegalArgumentException("time only moves forward: " + delta + " ns");
        }
        nanos += delta;
        return this;
    }

    public FakeTicker advanceMillis(long delta) {
        return advance(Duration.ofMillis(delta));
    }

    /** Sets the monotonic reading only; the wall clock keeps its value. */
    public synchronized FakeTicker setNanoTime(long value) {
        long wall = currentTimeMillis();
        nanos = value;
        wallAnchorNanos = value;
        wallAnchorMillis = wall;
        return this;
    }

    /** Sets the wall clock only (it may jump backwards, as a real one can). */
    public synchronized FakeTicker setCurrentTimeMillis(long value) {
        wallAnchorNanos = nanos;
        wallAnchorMillis = value;
        return this;
    }
}
