package io.switchboard.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How messages are delivered to workers.
 *
 * @param timeoutMs   per-attempt timeout (default 30 s); the message's deadline bounds all attempts together
 * @param maxAttempts attempts per message across primary and fallback pools (default 3)
 * @param tls         the CAs and client certificate for {@code https://} workers, or null for the JDK's defaults
 */
public record DeliveryConfig(
        @JsonProperty("timeout_ms") Long timeoutMs,
        @JsonProperty("max_attempts") Integer maxAttempts,
        @JsonProperty("backoff") BackoffConfig backoff,
        @JsonProperty("retry_budget") RetryBudgetConfig retryBudget,
        @JsonProperty("tls") DeliveryTlsConfig tls) {

    public DeliveryConfig {
        timeoutMs = Check.orDefault(timeoutMs, 30_000L);
        maxAttempts = Check.orDefault(maxAttempts, 3);
        backoff = Check.orDefault(backoff, BackoffConfig.defaults());
        retryBudget = Check.orDefault(retryBudget, RetryBudgetConfig.defaults());
        Check.positive("timeout_ms", timeoutMs);
        Check.atLeast("max_attempts", 1, maxAttempts);
        if (maxAttempts > 20) {
            throw new InvalidValueException("max_attempts", "must be at most 20, got " + maxAttempts);
        }
    }

    public static DeliveryConfig defaults() {
        return new DeliveryConfig(null, null, null, null, null);
    }
}
