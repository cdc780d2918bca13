package io.switchboard.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Exponential backoff with full jitter between attempts: attempt n waits uniformly in
 * {@code [0, min(max_ms, initial_ms * multiplier^(n-1))]}.
 */
public record BackoffConfig(
        @JsonProperty("initial_ms") Long initialMs,
        @JsonProperty("max_ms") Long maxMs,
        @JsonProperty("multiplier") Double multiplier) {

    public BackoffConfig {
        initialMs = Check.orDefault(initialMs, 50L);
        maxMs = Check.orDefault(maxMs, 2_000L);
        multiplier = Check.orDefault(multiplier, 2.0);
        Check.atLeast("initial_ms", 0, initialMs);
        Check.atLeast("max_ms", 0, maxMs);
        if (maxMs < initialMs) {
            throw new InvalidValueException("max_ms", "must be at least initial_ms (" + initialMs + "), got " + maxMs);
        }
        Check.between("multiplier", 1.0, 100.0, multiplier);
    }

    public static BackoffConfig defaults() {
        return new BackoffConfig(null, null, null);
    }
}
