package io.switchboard.observe;

import java.time.Duration;

/**
 * Histogram bucket boundaries, fixed so the series count is known in advance. Each list spans what its stage
 * takes when healthy up to what its timeouts allow, a little more than one bucket per doubling where it matters.
 */
final class Buckets {

    private Buckets() {
    }

    /** Classification: microseconds when healthy (the bar is 20 µs at p99), milliseconds when something is wrong. */
    static final Duration[] CLASSIFICATION = micros(1, 2.5, 5, 10, 20, 50, 100, 250, 1_000, 5_000);

    /** Worker selection: well under a microsecond when healthy (the bar is 1 µs). */
    static final Duration[] SELECTION = micros(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 50, 100, 1_000);

    /** Waiting for a free worker: nothing when one is free, up to the message's deadline when none is. */
    static final Duration[] QUEUE_WAIT = micros(10, 100, 1_000, 5_000, 10_000, 50_000, 100_000, 500_000,
            1_000_000, 5_000_000, 10_000_000, 30_000_000);

    /** One attempt, and a whole message end to end: a local worker's half millisecond up to a minute's deadline. */
    static final Duration[] DELIVERY = micros(500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000,
            500_000, 1_000_000, 2_500_000, 5_000_000, 10_000_000, 30_000_000, 60_000_000);

    /** The engine's own share of a message's time: tens of microseconds when healthy. */
    static final Duration[] OVERHEAD = micros(10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 50_000);

    /** One group commit of the store: 100 µs (no fsync) to 1 s (a disk in trouble). */
    static final Duration[] STORE_COMMIT = micros(100, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 100_000, 1_000_000);

    private static Duration[] micros(double... values) {
        Duration[] out = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Duration.ofNanos(Math.round(values[i] * 1_000));
        }
        return out;
    }
}
