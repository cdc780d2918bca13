package io.switchboard.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Per-pool waiting queue for messages that have no usable worker yet.
 *
 * @param capacity     messages waiting per pool before new ones get 429 (default 10000)
 * @param defaultTtlMs deadline for messages without {@code ttl_ms} (default 60 s)
 * @param agingMs      waiting this long raises a message by one priority level when picking the next (default 2 s)
 */
public record QueueConfig(
        @JsonProperty("capacity") Integer capacity,
        @JsonProperty("default_ttl_ms") Long defaultTtlMs,
        @JsonProperty("aging_ms") Long agingMs) {

    public QueueConfig {
        capacity = Check.orDefault(capacity, 10_000);
        defaultTtlMs = Check.orDefault(defaultTtlMs, 60_000L);
        agingMs = Check.orDefault(agingMs, 2_000L);
        Check.atLeast("capacity", 1, capacity);
        Check.positive("default_ttl_ms", defaultTtlMs);
        Check.positive("aging_ms", agingMs);
    }

    public static QueueConfig defaults() {
        return new QueueConfig(null, null, null);
    }
}
