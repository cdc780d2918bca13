package io.switchboard.observe.alert;

import java.time.Duration;
import java.util.Locale;

/** The conditions of deploy/prometheus/alerts.yml that a process can judge about itself, with their hold times. */
enum AlertKind {
    HIGH_ERROR_RATE("SwitchboardHighErrorRate", "page", Duration.ofMinutes(5)),
    NO_SUCCESSFUL_DELIVERY("SwitchboardNoSuccessfulDelivery", "page", Duration.ofMinutes(1)),
    LATENCY_ABOVE_SLO("SwitchboardLatencyAboveSLO", "ticket", Duration.ofMinutes(10)),
    WORKER_CIRCUIT_OPEN("SwitchboardWorkerCircuitOpen", "ticket", Duration.ofMinutes(5)),
    QUEUE_NEAR_CAPACITY("SwitchboardQueueNearCapacity", "page", Duration.ofMinutes(2));

    private final String alertName;
    private final String severity;
    private final long holdNanos;

    AlertKind(String alertName, String severity, Duration hold) {
        this.alertName = alertName;
        this.severity = severity;
        this.holdNanos = hold.toNanos();
    }

    String alertName() {
        return alertName;
    }

    String severity() {
        return severity;
    }

    /** How long the condition must hold before the alert fires (the rule's {@code for}). */
    long holdNanos() {
        return holdNanos;
    }

    String runbookUrl() {
        return "docs/runbook.md#" + alertName.toLowerCase(Locale.ROOT);
    }
}
