package io.switchboard.config;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * The alert conditions the engine evaluates on its own metrics, and the webhooks it posts transitions to.
 *
 * @param evaluationIntervalMs how often the conditions are evaluated (default 15 s)
 * @param errorRateThreshold   share of finished messages that failed over 5 minutes that alerts (default 0.1)
 * @param silenceWindowMs      messages received but none delivered for this long alerts (default 15 min)
 * @param latencySloMs         p95 end-to-end latency of delivered messages per pool above this alerts (default 10 s)
 * @param queueFillThreshold   a pool's queue depth over this share of its capacity alerts (default 0.8)
 * @param webhooks             where transitions are posted; none means they are only logged
 */
public record AlertsConfig(
        @JsonProperty("evaluation_interval_ms") Long evaluationIntervalMs,
        @JsonProperty("error_rate_threshold") Double errorRateThreshold,
        @JsonProperty("silence_window_ms") Long silenceWindowMs,
        @JsonProperty("latency_slo_ms") Long latencySloMs,
        @JsonProperty("queue_fill_threshold") Double queueFillThreshold,
        @JsonProperty("webhooks") List<WebhookConfig> webhooks) {

    /** Bounds the history the engine keeps: the silence window in evaluation intervals. */
    public static final long MAX_WINDOW_INTERVALS = 10_000;

    public AlertsConfig {
        evaluationIntervalMs = Check.orDefault(evaluationIntervalMs, 15_000L);
        errorRateThreshold = Check.orDefault(errorRateThreshold, 0.1);
        silenceWindowMs = Check.orDefault(silenceWindowMs, 900_000L);
        latencySloMs = Check.orDefault(latencySloMs, 10_000L);
        queueFillThreshold = Check.orDefault(queueFillThreshold, 0.8);
        webhooks = webhooks == null ? List.of() : List.copyOf(webhooks);
        Check.atLeast("evaluation_interval_ms", 100, evaluationIntervalMs);
        Check.between("error_rate_threshold", 0.0, 1.0, errorRateThreshold);
        Check.atLeast("silence_window_ms", evaluationIntervalMs, silenceWindowMs);
        if (silenceWindowMs / evaluationIntervalMs > MAX_WINDOW_INTERVALS) {
            throw new InvalidValueException("silence_window_ms", "must be at most " + MAX_WINDOW_INTERVALS
                    + " evaluation intervals (" + MAX_WINDOW_INTERVALS * evaluationIntervalMs + " ms), got "
                    + silenceWindowMs);
        }
        Check.positive("latency_slo_ms", latencySloMs);
        Check.between("queue_fill_threshold", 0.0, 1.0, queueFillThreshold);
    }

    public static AlertsConfig defaults() {
        return new AlertsConfig(null, null, null, null, null, null);
    }
}
