package io.switchboard.dispatch;

import io.switchboard.time.Ticker;

import java.util.concurrent.atomic.AtomicLong;

/** A ticker that moves only when a test advances it. */
final class FakeTicker implements Ticker {

    private static final long EPOCH_MILLIS = 1_700_000_000_000L;

    private final long startNanos;
    private final AtomicLong nanos;

    FakeTicker(long startNanos) {
        this.startNanos = startNanos;
        this.nanos = new AtomicLong(startNanos);
    }

    FakeTicker() {
        this(0);
    }

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    @Override
    public long currentTimeMillis() {
        return EPOCH_MILLIS + (nanos.get() - startNanos) / 1_000_000;
    }

    void advance(long deltaNanos) {
        nanos.addAndGet(deltaNanos);
    }

    /** Nanoseconds since the ticker was created, wrap-safe. */
    long elapsed() {
        return nanos.get() - startNanos;
    }
}
