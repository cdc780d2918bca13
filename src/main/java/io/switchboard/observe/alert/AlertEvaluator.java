package io.switchboard.observe.alert;

import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.config.AlertsConfig;
import io.switchboard.time.Ticker;

import java.util.List;
import java.util.function.Supplier;

/**
 * The engine alerting on itself: the conditions of deploy/prometheus/alerts.yml (all but instance-down) evaluated
 * periodically over the engine's own metrics, each transition logged and posted to the configured webhooks.
 */
public interface AlertEvaluator extends AutoCloseable {

    /**
     * An evaluator over {@code registry} (the engine's metrics). {@code instance} names this engine in payloads
     * ({@code host:port}); it is asked only when a notice is posted, so it may depend on the bound port.
     */
    static AlertEvaluator create(AlertsConfig config, MeterRegistry registry, Ticker ticker, Supplier<String> instance) {
        return new MetricsAlertEvaluator(config, registry, ticker, instance);
    }

    /** Evaluates every {@code alerts.evaluation_interval_ms} on a thread of its own until {@link #close()}. */
    void start();

    /** Takes a snapshot and evaluates now; returns the transitions it caused (they are logged and posted too). */
    List<AlertNotice> evaluate();

    /** The alerts firing now, as of the last evaluation. */
    List<Alert> active();

    /** Stops evaluating; notices already queued get their webhook's timeout to be posted. */
    @Override
    void close();
}
