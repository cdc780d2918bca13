package io.switchboard.config;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * A source of asynchronous messages besides {@code POST /v1/messages}. Each item becomes the content of a message,
 * classified, routed and stored like any other; an item is removed from its source only once it is stored.
 *
 * @param type          {@code redis-list}: producers {@code LPUSH} JSON items to {@code key}; the engine moves each
 *                      to its own processing list ({@code BLMOVE}, oldest first) and removes it from there once stored,
 *                      so an engine that dies between the two loses nothing (its processing list is taken up again at
 *                      the next start). {@code redis-stream}: producers {@code XADD} entries to the stream {@code key};
 *                      the engine reads them as one consumer of a consumer group and {@code XACK}s each once stored,
 *                      so what a consumer that died had read is taken over by another ({@code XAUTOCLAIM})
 * @param url           {@code redis://[user:password@]host:port[/db]}
 * @param key           the list producers push to, or the stream they add entries to
 * @param processingKey redis-list: this engine's processing list (default {@code <key>:processing:<hostname>}); give
 *                      every engine sharing {@code key} its own
 * @param group         redis-stream: the consumer group the engines reading {@code key} share (default
 *                      {@code switchboard}); created at the start of the stream when missing
 * @param consumer      redis-stream: this engine's name in the group (default {@code <hostname>}); give every engine
 *                      its own
 * @param pollTimeoutMs how long one blocking read waits before looking again (default 1000)
 * @param claimIdleMs   redis-stream: an entry another consumer read but has not acknowledged for this long is taken
 *                      over (default 30000)
 * @param maxDeliveries redis-stream: an entry read more often than this (by any consumers) is dead-lettered as
 *                      rejected instead of stored (default 5)
 * @param batch         redis-stream: entries read at once (default 100)
 * @param trim          redis-stream: whether the stream is trimmed of entries every group has acknowledged (default
 *                      true)
 * @param dedupKey      a template of the item's fields, e.g. {@code {chat}:{date}}: an item whose key was already seen
 *                      within {@code dedup_window_ms}, by any engine on this Redis, is dropped as a duplicate
 * @param dedupWindowMs how long a dedup key is remembered (default 24 h)
 * @param requiredFields fields every item must have, e.g. {@code [command, chat]} (dots step into nested objects): an
 *                      item that is not a JSON object, or lacks one of them (absent, null or an empty string), is
 *                      dead-lettered as rejected with the missing fields named, instead of being delivered
 */
public record IngressConfig(
        @JsonProperty("type") String type,
        @JsonProperty("url") String url,
        @JsonProperty("key") String key,
        @JsonProperty("processing_key") String processingKey,
        @JsonProperty("group") String group,
        @JsonProperty("consumer") String consumer,
        @JsonProperty("poll_timeout_ms") Long pollTimeoutMs,
        @JsonProperty("claim_idle_ms") Long claimIdleMs,
        @JsonProperty("max_deliveries") Long maxDeliveries,
        @JsonProperty("batch") Long batch,
        @JsonProperty("trim") Boolean trim,
        @JsonProperty("dedup_key") String dedupKey,
        @JsonProperty("dedup_window_ms") Long dedupWindowMs,
        @JsonProperty("required_fields") List<String> requiredFields) {

    public static final List<String> TYPES = List.of("redis-list", "redis-stream");
    /** The most entries one read of a redis-stream ingress may ask for. */
    private static final long MAX_BATCH = 10_000;

    public IngressConfig {
        if (type == null || type.isBlank()) {
            throw new InvalidValueException("type", "is required: one of " + String.join(", ", TYPES));
        }
        type = type.toLowerCase(Locale.ROOT);
        if (!TYPES.contains(type)) {
            throw new InvalidValueException("type", "unknown ingress type '" + type + "'" + Suggest.hint(type, TYPES)
                    + "; one of " + String.join(", ", TYPES));
        }
        boolean stream = "redis-stream".equals(type);
        Check.redisUrl("url", url, "a " + type + " ingress");
        if (key == null || key.isBlank()) {
            throw new InvalidValueException("key", stream ? "is required: the stream producers add entries to"
                    : "is required: the list producers push to");
        }
        if (stream && processingKey != null) {
            throw new InvalidValueException("processing_key", "only a redis-list ingress takes it; a redis-stream "
                    + "ingress keeps what it read in its consumer group until it is stored");
        }
        if (processingKey != null && (processingKey.isBlank() || processingKey.equals(key))) {
            throw new InvalidValueException("processing_key", "must be a list of its own, not the source list");
        }
        if (!stream) {
            onlyForStreams("group", group);
            onlyForStreams("consumer", consumer);
            onlyForStreams("claim_idle_ms", claimIdleMs);
            onlyForStreams("max_deliveries", maxDeliveries);
            onlyForStreams("batch", batch);
            onlyForStreams("trim", trim);
        } else {
            group = Check.orDefault(group, "switchboard");
            if (group.isBlank()) {
                throw new InvalidValueException("group", "must not be blank");
            }
            if (consumer != null && consumer.isBlank()) {
                throw new InvalidValueException("consumer", "must not be blank");
            }
            claimIdleMs = Check.atLeast("claim_idle_ms", 100, Check.orDefault(claimIdleMs, 30_000L));
            maxDeliveries = Check.atLeast("max_deliveries", 1, Check.orDefault(maxDeliveries, 5L));
            batch = Check.atLeast("batch", 1, Check.orDefault(batch, 100L));
            if (batch > MAX_BATCH) {
                throw new InvalidValueException("batch", "must be at most " + MAX_BATCH + ", got " + batch);
            }
            trim = Check.orDefault(trim, true);
        }
        pollTimeoutMs = Check.orDefault(pollTimeoutMs, 1_000L);
        Check.atLeast("poll_timeout_ms", 10, pollTimeoutMs);
        if (dedupKey != null && (dedupKey.isBlank() || !dedupKey.matches("([^{}]|\\{[A-Za-z0-9_.-]+})+")
                || !dedupKey.contains("{"))) {
            throw new InvalidValueException("dedup_key", "must name the item's fields in braces, e.g. {chat}:{date}");
        }
        if (dedupWindowMs != null && dedupKey == null) {
            throw new InvalidValueException("dedup_window_ms", "goes with dedup_key");
        }
        dedupWindowMs = dedupKey == null ? null : Check.orDefault(dedupWindowMs, 86_400_000L);
        if (dedupWindowMs != null) {
            Check.positive("dedup_window_ms", dedupWindowMs);
        }
        requiredFields = requiredFields == null ? List.of() : List.copyOf(requiredFields);
        for (int i = 0; i < requiredFields.size(); i++) {
            String f = requiredFields.get(i);
            if (f == null || !f.matches("[^.\\s]+(\\.[^.\\s]+)*")) {
                throw new InvalidValueException("required_fields[" + i + "]", "must be a field name, with dots "
                        + "between the names of nested objects (e.g. chat or meta.source), got '" + f + "'");
            }
        }
    }

    private static void onlyForStreams(String key, Object value) {
        if (value != null) {
            throw new InvalidValueException(key, "only a redis-stream ingress takes it");
        }
    }

    public URI uri() {
        return URI.create(url);
    }

    /** The processing list: as configured, else {@code <key>:processing:<host>}. */
    public String processingKey(String host) {
        return processingKey != null ? processingKey : key + ":processing:" + host;
    }

    /** This engine's consumer in the group (redis-stream): as configured, else {@code <host>}. */
    public String consumer(String host) {
        return consumer != null ? consumer : host;
    }
}
