package io.switchboard.observe.alert;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.switchboard.observe.alert.MetricsSnapshot.Histogram;
import io.switchboard.observe.alert.MetricsSnapshot.QueueFill;
import io.switchboard.observe.alert.MetricsSnapshot.WorkerKey;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Reads the meters the alert conditions need from the engine's registry, by the names and tags docs/metrics.md
 * documents, into a {@link MetricsSnapshot}.
 */
final class SnapshotReader {

    private final MeterRegistry registry;

    SnapshotReader(MeterRegistry registry) {
        this.registry = registry;
    }

    MetricsSnapshot read(long atNanos) {
        long delivered = 0;
        long failed = 0;
        Map<String, Histogram> latency = new HashMap<>();
        for (Timer t : registry.find("switchboard.end_to_end").timers()) {
            String outcome = t.getId().getTag("outcome");
            if ("failed".equals(outcome)) {
                failed += t.count();
            } else if ("delivered".equals(outcome)) {
                HistogramSnapshot s = t.takeSnapshot();
                delivered += s.count();
                latency.merge(t.getId().getTag("pool"), histogram(s), SnapshotReader::add);
            }
        }
        Map<WorkerKey, Integer> circuits = new HashMap<>();
        for (Gauge g : registry.find("switchboard.worker.circuit_state").gauges()) {
            circuits.put(new WorkerKey(g.getId().getTag("pool"), g.getId().getTag("worker")), (int) g.value());
        }
        Map<String, Double> depth = new HashMap<>();
        for (Gauge g : registry.find("switchboard.queue.depth").gauges()) {
            depth.merge(g.getId().getTag("pool"), g.value(), Double::sum);
        }
        Map<String, QueueFill> queues = new HashMap<>();
        for (Gauge g : registry.find("switchboard.queue.capacity").gauges()) {
            String pool = g.getId().getTag("pool");
            queues.put(pool, new QueueFill(depth.getOrDefault(pool, 0.0), g.value()));
        }
        return new MetricsSnapshot(atNanos, sum("switchboard.messages.received"), sum("switchboard.messages.routed"),
                delivered, failed, latency, circuits, queues);
    }

    private long sum(String counter) {
        double total = 0;
        for (Counter c : registry.find(counter).counters()) {
            total += c.count();
        }
        return Math.round(total);
    }

    private static Histogram histogram(HistogramSnapshot s) {
        CountAtBucket[] buckets = s.histogramCounts();
        int finite = 0;
        for (CountAtBucket b : buckets) {
            if (!Double.isInfinite(b.bucket())) {
                finite++;
            }
        }
        double[] bounds = new double[finite];
        long[] counts = new long[finite];
        int i = 0;
        for (CountAtBucket b : buckets) {
            if (!Double.isInfinite(b.bucket())) {
                bounds[i] = b.bucket(TimeUnit.SECONDS);
                counts[i] = Math.round(b.count());
                i++;
            }
        }
        return new Histogram(bounds, counts, s.count());
    }

    /** Sums two histograms of one pool (one per class); they share the engine's fixed buckets. */
    private static Histogram add(Histogram a, Histogram b) {
        long[] counts = a.cumulative().clone();
        for (int i = 0; i < counts.length; i++) {
            counts[i] += b.cumulative()[i];
        }
        return new Histogram(a.upperBounds(), counts, a.count() + b.count());
    }
}
