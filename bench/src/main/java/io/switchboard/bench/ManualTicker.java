package io.switchboard.bench;

import io.switchboard.time.Ticker;

/** A ticker that moves only when told to, so queue ages and expiries are the same on every run. */
final class ManualTicker implements Ticker {

    private volatile long nanos;

    ManualTicker(long startNanos) {
        this.nanos = startNanos;
    }

    void advance(long deltaNanos) {
        nanos += deltaNanos;
    }

    @Override
    public long nanoTime() {
        return nanos;
    }

    @Override
    public long currentTimeMillis() {
        return nanos / 1_000_000;
    }
}
