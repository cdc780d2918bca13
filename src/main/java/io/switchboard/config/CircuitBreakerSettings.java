package io.switchboard.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The per-worker circuit breaker (count-based window).
 *
 * @param failureRateThreshold percentage of failed calls in the window that opens it (default 50)
 * @param minimumCalls         calls recorded before the rate is judged (default 10)
 * @param windowSize           calls in the sliding window (default 20, at least minimum_calls)
 * @param openMs               how long it stays open before half-open probes (default 30 s)
 * @param halfOpenCalls        probe calls allowed while half-open (default 3)
 */
public record CircuitBreakerSettings(
        @JsonProperty("failure_rate_threshold") Double failureRateThreshold,
        @JsonProperty("minimum_calls") Integer minimumCalls,
        @JsonProperty("window_size") Integer windowSize,
        @JsonProperty("open_ms") Long openMs,
        @JsonProperty("half_open_calls") Integer halfOpenCalls) {

    public CircuitBreakerSettings {
        failureRateThreshold = Check.orDefault(failureRateThreshold, 50.0);
        minimumCalls = Check.orDefault(minimumCalls, 10);
        windowSize = Check.orDefault(windowSize, Math.max(20, minimumCalls));
        openMs = Check.orDefault(openMs, 30_000L);
        halfOpenCalls = Check.orDefault(halfOpenCalls, 3);
        if (!(failureRateThreshold > 0 && failureRateThreshold <= 100)) {
            throw new InvalidValueException("failure_rate_threshold", "must be in (0, 100], got " + failureRateThreshold);
        }
        Check.atLeast("minimum_calls", 1, minimumCalls);
        if (windowSize < minimumCalls) {
            throw new InvalidValueException("window_size", "must be at least minimum_calls (" + minimumCalls + "), got " + windowSize);
        }
        Check.positive("open_ms", openMs);
        Check.atLeast("half_open_calls", 1, halfOpenCalls);
    }

    public static CircuitBreakerSettings defaults() {
        return new CircuitBreakerSettings(null, null, null, null, null);
    }
}
