package io.switchboard.observe.alert;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Snapshots read the engine's meters as Prometheus exposes them: cumulative buckets, summed over classes. */
class SnapshotReaderTest {

    private static Timer endToEnd(PrometheusMeterRegistry registry, String className, String outcome) {
        return Timer.builder("switchboard.end_to_end").tag("class", className).tag("pool", "fast").tag("outcome", outcome)
                .serviceLevelObjectives(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5),
                        Duration.ofSeconds(10))
                .register(registry);
    }

    @Test
    void deliveredLatencyOfAPoolIsCumulativeAndSummedOverItsClassesAndFailuresAreCountedApart() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try {
            endToEnd(registry, "a", "delivered").record(Duration.ofMillis(500));
            endToEnd(registry, "a", "delivered").record(Duration.ofSeconds(4));
            endToEnd(registry, "b", "delivered").record(Duration.ofSeconds(8));
            endToEnd(registry, "b", "delivered").record(Duration.ofSeconds(60));
            endToEnd(registry, "b", "failed").record(Duration.ofSeconds(3));

            MetricsSnapshot s = new SnapshotReader(registry).read(42);

            assertThat(s.atNanos()).isEqualTo(42);
            assertThat(s.delivered()).isEqualTo(4);
            assertThat(s.failed()).isEqualTo(1);
            MetricsSnapshot.Histogram h = s.deliveredLatency().get("fast");
            assertThat(h.upperBounds()).containsExactly(1.0, 2.0, 5.0, 10.0);
            assertThat(h.cumulative()).containsExactly(1, 1, 2, 3);
            assertThat(h.count()).isEqualTo(4);
            // rank 2 of 4 is the top of (2, 5].
            assertThat(AlertRules.quantile(0.5, h, MetricsSnapshot.Histogram.empty(h.upperBounds())))
                    .isCloseTo(5.0, within(1e-9));
        } finally {
            registry.close();
        }
    }
}
