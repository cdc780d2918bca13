package io.switchboard.observe;

import java.util.concurrent.atomic.LongAdder;

/** One worker's recent record as the health view and the dashboard show it: attempts, latency, last success. */
final class WorkerStats {

    private final LatencyRing successLatency = new LatencyRing();
    private final LongAdder attempts = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    /** Wall-clock epoch millis of the last successful attempt; 0 before the first. */
    private volatile long lastSuccessMillis;

    void delivered(long nanos, long nowMillis) {
        attempts.increment();
        delivered.increment();
        successLatency.record(nanos);
        lastSuccessMillis = nowMillis;
    }

    void failed() {
        attempts.increment();
    }

    long attempts() {
        return attempts.sum();
    }

    long deliveredCount() {
        return delivered.sum();
    }

    /** p95 of the last successful attempts in milliseconds, or null before the first. */
    Double p95Millis() {
        return successLatency.percentileMillis(0.95);
    }

    /** Epoch millis of the last success, or 0. */
    long lastSuccessMillis() {
        return lastSuccessMillis;
    }
}
