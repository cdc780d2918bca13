package io.switchboard.time;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** The engine's only source of time: a monotonic nanosecond reading plus a wall clock, both replaceable in tests. */
public interface Ticker {

    /** Monotonic time in nanoseconds; only differences are meaningful (may be near {@code Long.MAX_VALUE}). */
    long nanoTime();

    /** Wall-clock time in epoch milliseconds, for timestamps shown to people. */
    long currentTimeMillis();

    /** A {@link Clock} view for libraries that take one (Resilience4j). */
    default Clock asClock() {
        Ticker self = this;
        return new Clock() {
            @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(java.time.ZoneId zone) { return this; }
            @Override public Instant instant() { return Instant.ofEpochMilli(self.currentTimeMillis()); }
            @Override public long millis() { return self.currentTimeMillis(); }
        };
    }

    static Ticker system() {
        return SystemTicker.INSTANCE;
    }
}
