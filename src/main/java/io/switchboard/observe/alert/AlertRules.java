package io.switchboard.observe.alert;

import io.switchboard.config.AlertsConfig;
import io.switchboard.observe.alert.MetricsSnapshot.Histogram;
import io.switchboard.observe.alert.MetricsSnapshot.QueueFill;
import io.switchboard.observe.alert.MetricsSnapshot.WorkerKey;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The alert conditions as pure functions of a history of metric snapshots: which conditions hold now, and with what
 * value. They mirror deploy/prometheus/alerts.yml; the hold times ({@code for}) are applied by {@link AlertStates}.
 */
final class AlertRules {

    /** The range of the rate-based conditions, as {@code [5m]} in the Prometheus rules. */
    static final long RATE_WINDOW_NANOS = TimeUnit.MINUTES.toNanos(5);
    static final double LATENCY_QUANTILE = 0.95;
    /** The circuit-state encoding of an open circuit (docs/metrics.md). */
    static final int CIRCUIT_OPEN = 1;

    /** A condition that holds now. */
    record Breach(AlertKind kind, Map<String, String> labels, double value, String summary) {
        Breach {
            labels = Map.copyOf(labels);
        }
    }

    /** The configured thresholds, in the units the rules compute in. */
    record Thresholds(double errorRate, long silenceNanos, double latencySloSeconds, double queueFill) {
        static Thresholds of(AlertsConfig config) {
            return new Thresholds(config.errorRateThreshold(), TimeUnit.MILLISECONDS.toNanos(config.silenceWindowMs()),
                    config.latencySloMs() / 1000.0, config.queueFillThreshold());
        }
    }

    private AlertRules() {
    }

    /** Every condition that holds at the newest snapshot of {@code history} (oldest first). */
    static List<Breach> breaches(List<MetricsSnapshot> history, Thresholds t) {
        if (history.isEmpty()) {
            return List.of();
        }
        MetricsSnapshot now = history.getLast();
        MetricsSnapshot rateBase = baseline(history, RATE_WINDOW_NANOS);
        List<Breach> out = new ArrayList<>();
        if (rateBase != now) {
            long failed = Math.max(0, now.failed() - rateBase.failed());
            long finished = failed + Math.max(0, now.delivered() - rateBase.delivered());
            double ratio = finished == 0 ? 0 : (double) failed / finished;
            if (ratio > t.errorRate()) {
                out.add(new Breach(AlertKind.HIGH_ERROR_RATE, Map.of(), ratio, String.format(Locale.ROOT,
                        "%.1f%% of messages failed over 5 minutes (threshold %.1f%%)", ratio * 100, t.errorRate() * 100)));
            }
            for (var pool : now.deliveredLatency().entrySet()) {
                Histogram older = rateBase.deliveredLatency().get(pool.getKey());
                double p95 = quantile(LATENCY_QUANTILE, pool.getValue(),
                        older == null ? Histogram.empty(pool.getValue().upperBounds()) : older);
                if (p95 > t.latencySloSeconds()) {
                    out.add(new Breach(AlertKind.LATENCY_ABOVE_SLO, Map.of("pool", pool.getKey()), p95,
                            String.format(Locale.ROOT, "p95 latency of pool %s is %.2f s (SLO %.2f s)",
                                    pool.getKey(), p95, t.latencySloSeconds())));
                }
            }
        }
        MetricsSnapshot silenceBase = baseline(history, t.silenceNanos());
        // Only a full window counts: a young engine has not been silent for the whole window yet.
        if (now.atNanos() - silenceBase.atNanos() >= t.silenceNanos()) {
            long received = now.received() - silenceBase.received();
            if (received > 0 && now.routed() == silenceBase.routed()) {
                out.add(new Breach(AlertKind.NO_SUCCESSFUL_DELIVERY, Map.of(), received, String.format(Locale.ROOT,
                        "no message delivered in %s although %d arrived", duration(t.silenceNanos()), received)));
            }
        }
        for (Map.Entry<WorkerKey, Integer> c : now.circuits().entrySet()) {
            if (c.getValue() == CIRCUIT_OPEN) {
                WorkerKey w = c.getKey();
                out.add(new Breach(AlertKind.WORKER_CIRCUIT_OPEN, Map.of("pool", w.pool(), "worker", w.worker()), 1,
                        "circuit of worker " + w.worker() + " (pool " + w.pool() + ") is open"));
            }
        }
        for (Map.Entry<String, QueueFill> q : now.queues().entrySet()) {
            QueueFill fill = q.getValue();
            double ratio = fill.capacity() > 0 ? fill.depth() / fill.capacity() : 0;
            if (ratio > t.queueFill()) {
                out.add(new Breach(AlertKind.QUEUE_NEAR_CAPACITY, Map.of("pool", q.getKey()), ratio,
                        String.format(Locale.ROOT, "queue of pool %s is %.0f%% full (%.0f of %.0f)", q.getKey(),
                                ratio * 100, fill.depth(), fill.capacity())));
            }
        }
        return out;
    }

    /**
     * The newest snapshot at least {@code windowNanos} older than the newest one, or the oldest snapshot when the
     * history is shorter than the window.
     */
    static MetricsSnapshot baseline(List<MetricsSnapshot> history, long windowNanos) {
        MetricsSnapshot now = history.getLast();
        for (int i = history.size() - 1; i >= 0; i--) {
            if (now.atNanos() - history.get(i).atNanos() >= windowNanos) {
                return history.get(i);
            }
        }
        return history.getFirst();
    }

    /**
     * The {@code q}-quantile, in seconds, of the values recorded between {@code older} and {@code newer}, the way
     * Prometheus's histogram_quantile estimates it: linear interpolation inside the bucket holding the rank, and
     * the last finite bound when the rank is beyond it. NaN when nothing was recorded.
     */
    static double quantile(double q, Histogram newer, Histogram older) {
        long total = newer.count() - older.count();
        if (total <= 0) {
            return Double.NaN;
        }
        double rank = q * total;
        double[] bounds = newer.upperBounds();
        long below = 0;
        for (int i = 0; i < bounds.length; i++) {
            long cumulative = newer.cumulative()[i] - older.cumulative()[i];
            if (cumulative >= rank && cumulative > below) {
                double lower = i == 0 ? 0 : bounds[i - 1];
                return lower + (bounds[i] - lower) * (rank - below) / (cumulative - below);
            }
            below = cumulative;
        }
        return bounds.length == 0 ? Double.NaN : bounds[bounds.length - 1];
    }

    private static String duration(long nanos) {
        long seconds = TimeUnit.NANOSECONDS.toSeconds(nanos);
        return seconds % 60 == 0 ? seconds / 60 + " min" : seconds + " s";
    }
}
