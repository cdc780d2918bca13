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
 *                      the next start)
 * @param url           {@code redis://[user:password@]host:port[/db]}
 * @param key           the list producers push to
 * @param processingKey this engine's processing list (default {@code <key>:processing:<hostname>}); give every engine
 *                      sharing {@code key} its own
 * @param pollTimeoutMs how long one blocking pop waits before looking again (default 1000)
 * @param dedupKey      a template of the item's fields, e.g. {@code {chat}:{date}}: an item whose key was already seen
 *                      within {@code dedup_window_ms}, by any engine on this Redis, is dropped as a duplicate
 * @param dedupWindowMs how long a dedup key is remembered (default 24 h)
 */
public record IngressConfig(
        @JsonProperty("type") String type,
        @JsonProperty("url") String url,
        @JsonProperty("key") String key,
        @JsonProperty("processing_key") String processingKey,
        @JsonProperty("poll_timeout_ms") Long pollTimeoutMs,
        @JsonProperty("dedup_key") String dedupKey,
        @JsonProperty("dedup_window_ms") Long dedupWindowMs) {

    public static final List<String> TYPES = List.of("redis-list");

    public IngressConfig {
        if (type == null || type.isBlank()) {
            throw new InvalidValueException("type", "is required: one of " + String.join(", ", TYPES));
        }
        type = type.toLowerCase(Locale.ROOT);
        if (!TYPES.contains(type)) {
            throw new InvalidValueException("type", "unknown ingress type '" + type + "'" + Suggest.hint(type, TYPES)
                    + "; one of " + String.join(", ", TYPES));
        }
        Check.redisUrl("url", url, "a redis-list ingress");
        if (key == null || key.isBlank()) {
            throw new InvalidValueException("key", "is required: the list producers push to");
        }
        if (processingKey != null && (processingKey.isBlank() || processingKey.equals(key))) {
            throw new InvalidValueException("processing_key", "must be a list of its own, not the source list");
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
    }

    public URI uri() {
        return URI.create(url);
    }

    /** The processing list: as configured, else {@code <key>:processing:<host>}. */
    public String processingKey(String host) {
        return processingKey != null ? processingKey : key + ":processing:" + host;
    }
}
