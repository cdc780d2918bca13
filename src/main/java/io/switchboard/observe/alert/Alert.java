package io.switchboard.observe.alert;

import java.time.Instant;
import java.util.Map;

/**
 * One alert the engine raised about itself, as posted to webhooks and returned by {@link AlertEvaluator#active()}.
 *
 * @param name       the alert, named as in deploy/prometheus/alerts.yml (e.g. {@code SwitchboardHighErrorRate})
 * @param severity   {@code page} or {@code ticket}
 * @param labels     what it is about: {@code pool}, {@code worker}; empty for engine-wide alerts
 * @param value      the measured value that crossed the threshold (a ratio, seconds, a count, or 1)
 * @param summary    one sentence for people
 * @param runbookUrl the runbook section, as a path in the repository
 * @param startedAt  when it started firing
 */
public record Alert(String name, String severity, Map<String, String> labels, double value, String summary,
                    String runbookUrl, Instant startedAt) {

    public Alert {
        labels = Map.copyOf(labels);
    }
}
