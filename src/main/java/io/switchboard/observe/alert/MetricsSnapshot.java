package io.switchboard.observe.alert;

import java.util.Map;

/**
 * What the alert conditions need from the engine's metrics at one moment: cumulative counters, cumulative
 * histogram buckets, and gauges. Conditions over a window compare two snapshots.
 *
 * @param atNanos           the engine ticker's monotonic reading when it was taken
 * @param received          messages that entered delivery
 * @param routed            messages a worker answered
 * @param delivered         messages finished with outcome {@code delivered}
 * @param failed            messages finished with outcome {@code failed}
 * @param deliveredLatency  pool to the end-to-end histogram of its delivered messages
 * @param circuits          worker to its circuit state (docs/metrics.md encoding: 1 is open)
 * @param queues            pool to its queue depth and capacity
 */
record MetricsSnapshot(long atNanos, long received, long routed, long delivered, long failed,
                       Map<String, Histogram> deliveredLatency, Map<WorkerKey, Integer> circuits,
                       Map<String, QueueFill> queues) {

    MetricsSnapshot {
        deliveredLatency = Map.copyOf(deliveredLatency);
        circuits = Map.copyOf(circuits);
        queues = Map.copyOf(queues);
    }

    /** A worker, by the pool it serves. */
    record WorkerKey(String pool, String worker) {
    }

    record QueueFill(double depth, double capacity) {
    }

    /**
     * Cumulative bucket counts, as Prometheus exposes them: {@code cumulative[i]} values were at most
     * {@code upperBounds[i]} seconds; {@code count} includes those above the last bound.
     */
    record Histogram(double[] upperBounds, long[] cumulative, long count) {

        Histogram {
            if (upperBounds.length != cumulative.length) {
                throw new IllegalArgumentException("one count per bound");
            }
            upperBounds = upperBounds.clone();
            cumulative = cumulative.clone();
        }

        static Histogram empty(double[] upperBounds) {
            return new Histogram(upperBounds, new long[upperBounds.length], 0);
        }
    }
}
