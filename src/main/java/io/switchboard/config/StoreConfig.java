package io.switchboard.config;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Locale;

/**
 * Where asynchronous messages are kept, and how the engine treats them once stored.
 *
 * @param type                {@code embedded} (one SQLite file under {@code path}) or {@code redis} (at {@code url})
 * @param durability          {@code fsync} (default: every 202 means the message is on disk) or {@code batch} (written
 *                            to the operating system at once, flushed to disk at checkpoints: survives a crash of the
 *                            engine, not of the machine)
 * @param maxMessages         messages queued or in flight at once; beyond it new ones get 503 (default 1,000,000)
 * @param writeTimeoutMs      a submission that waits longer than this for the store gets 503 (default 2 s)
 * @param retentionMs         how long delivered messages and their results are kept (default 24 h)
 * @param idempotencyWindowMs how long an {@code idempotency_key} maps to its first message (default 24 h)
 * @param defaultTtlMs        deadline of asynchronous messages that do not set {@code ttl_ms} (default 1 h)
 * @param deliveryConcurrency asynchronous messages delivered at once per pool (default 64)
 * @param pruneIntervalMs     how often retention and expiry are enforced in the background (default 60 s)
 * @param keyPrefix           redis: put before every key (default {@code switchboard:}); engines sharing work share it
 * @param instanceId          redis: this engine's name among those sharing the store (default: a new one each start);
 *                            give a stable, unique one to have a restarted engine take up its own in-flight messages at
 *                            once
 * @param instanceTimeoutMs   redis: an engine not heard from for this long is taken for dead and its in-flight messages
 *                            are queued again by the others (default 10 s)
 */
public record StoreConfig(
        @JsonProperty("type") String type,
        @JsonProperty("path") String path,
        @JsonProperty("url") String url,
        @JsonProperty("durability") String durability,
        @JsonProperty("max_messages") Long maxMessages,
        @JsonProperty("write_timeout_ms") Long writeTimeoutMs,
        @JsonProperty("retention_ms") Long retentionMs,
        @JsonProperty("idempotency_window_ms") Long idempotencyWindowMs,
        @JsonProperty("default_ttl_ms") Long defaultTtlMs,
        @JsonProperty("delivery_concurrency") Integer deliveryConcurrency,
        @JsonProperty("prune_interval_ms") Long pruneIntervalMs,
        @JsonProperty("key_prefix") String keyPrefix,
        @JsonProperty("instance_id") String instanceId,
        @JsonProperty("instance_timeout_ms") Long instanceTimeoutMs) {

    public static final List<String> TYPES = List.of("embedded", "redis");
    public static final List<String> DURABILITIES = List.of("fsync", "batch");

    public StoreConfig {
        type = Check.orDefault(type, "embedded");
        if (!TYPES.contains(type)) {
            throw new InvalidValueException("type", "unknown store type '" + type + "'" + Suggest.hint(type, TYPES)
                    + "; one of " + String.join(", ", TYPES));
        }
        if ("embedded".equals(type)) {
            path = Check.orDefault(path, "./data");
            if (path.isBlank()) {
                throw new InvalidValueException("path", "must name a directory");
            }
        }
        if ("redis".equals(type)) {
            Check.redisUrl("url", url, "a redis store");
            if (path != null) {
                throw new InvalidValueException("path", "applies to the embedded store; a redis store keeps "
                        + "everything in Redis at url");
            }
            if (durability != null) {
                throw new InvalidValueException("durability", "applies to the embedded store; a redis store is as "
                        + "durable as Redis is configured to be (appendonly yes, appendfsync always for no loss)");
            }
            keyPrefix = Check.orDefault(keyPrefix, "switchboard:");
            if (keyPrefix.isBlank() || keyPrefix.chars().anyMatch(Character::isWhitespace)) {
                throw new InvalidValueException("key_prefix",
                        "must be non-empty and without spaces, e.g. switchboard:");
            }
            if (instanceId != null && !instanceId.matches("[A-Za-z0-9_.:-]{1,100}")) {
                throw new InvalidValueException("instance_id", "must be 1 to 100 letters, digits or . _ : -");
            }
            instanceTimeoutMs = Check.orDefault(instanceTimeoutMs, 10_000L);
            Check.atLeast("instance_timeout_ms", 3_000, instanceTimeoutMs);
        } else {
            if (url != null) {
                throw new InvalidValueException("url", "applies to the redis store; the embedded store is at path");
            }
            for (var redisOnly : new Object[][] {{"key_prefix", keyPrefix}, {"instance_id", instanceId},
                    {"instance_timeout_ms", instanceTimeoutMs}}) {
                if (redisOnly[1] != null) {
                    throw new InvalidValueException((String) redisOnly[0], "applies to the redis store (type: redis)");
                }
            }
        }
        durability = Check.orDefault(durability, "fsync").toLowerCase(Locale.ROOT);
        if (!DURABILITIES.contains(durability)) {
            throw new InvalidValueException("durability", "must be fsync or batch, got '" + durability + "'"
                    + Suggest.hint(durability, DURABILITIES));
        }
        maxMessages = Check.orDefault(maxMessages, 1_000_000L);
        writeTimeoutMs = Check.orDefault(writeTimeoutMs, 2_000L);
        retentionMs = Check.orDefault(retentionMs, 86_400_000L);
        idempotencyWindowMs = Check.orDefault(idempotencyWindowMs, 86_400_000L);
        defaultTtlMs = Check.orDefault(defaultTtlMs, 3_600_000L);
        deliveryConcurrency = Check.orDefault(deliveryConcurrency, 64);
        pruneIntervalMs = Check.orDefault(pruneIntervalMs, 60_000L);
        Check.positive("max_messages", maxMessages);
        Check.positive("write_timeout_ms", writeTimeoutMs);
        Check.atLeast("retention_ms", 0, retentionMs);
        Check.atLeast("idempotency_window_ms", 0, idempotencyWindowMs);
        Check.positive("default_ttl_ms", defaultTtlMs);
        Check.atLeast("delivery_concurrency", 1, deliveryConcurrency);
        if (deliveryConcurrency > 10_000) {
            throw new InvalidValueException("delivery_concurrency", "must be at most 10000, got " + deliveryConcurrency);
        }
        Check.atLeast("prune_interval_ms", 100, pruneIntervalMs);
    }

    public static StoreConfig defaults() {
        return new StoreConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** The Redis URL of a redis store. */
    public java.net.URI uri() {
        return java.net.URI.create(url);
    }

    /** Whether every accepted message is flushed to disk before it is acknowledged. */
    public boolean fsync() {
        return "fsync".equals(durability);
    }
}
