package io.switchboard.config;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One place completion events ({@code message_delivered}, {@code message_dead_lettered}) are sent to. Each sink gets
 * every event at least once, from an outbox in the store, without ever holding up a delivery.
 *
 * @param type      {@code log} (one INFO line per event on logger {@code switchboard.events}), {@code webhook},
 *                  {@code redis-pubsub} (PUBLISH on {@code channel}), {@code redis-stream} (XADD to {@code key}) or
 *                  {@code redis-list} (LPUSH to {@code key})
 * @param name      how logs and metrics name the sink (default: its type, numbered when repeated)
 * @param url       for {@code webhook}: the http(s) URL that receives one POST per event; for the Redis sinks:
 *                  {@code redis://[user:password@]host:port[/db]} (or {@code rediss://} for TLS)
 * @param channel   for {@code redis-pubsub}: the channel
 * @param key       for {@code redis-stream} and {@code redis-list}: the stream's or the list's key
 * @param maxLen    for {@code redis-stream}: the stream is trimmed to about this many entries (default 100000)
 * @param timeoutMs connect and request timeout of one send (default 5000)
 * @param maxAgeMs  an event not sent within this long is dropped with a WARN line (default 24 h)
 * @param when      which finished messages the sink is told about: {@code all} (default), {@code delivered} or
 *                  {@code dead_lettered}
 * @param template  the event's fields, each text with {@code {{path}}} placeholders (see docs/configuration.md);
 *                  absent: the standard completion event
 */
public record EventSinkConfig(
        @JsonProperty("type") String type,
        @JsonProperty("name") String name,
        @JsonProperty("url") String url,
        @JsonProperty("channel") String channel,
        @JsonProperty("key") String key,
        @JsonProperty("max_len") Long maxLen,
        @JsonProperty("timeout_ms") Long timeoutMs,
        @JsonProperty("max_age_ms") Long maxAgeMs,
        @JsonProperty("when") String when,
        @JsonProperty("template") Map<String, String> template) {

    public static final List<String> TYPES = List.of("log", "webhook", "redis-pubsub", "redis-stream", "redis-list");
    public static final List<String> WHEN = List.of("all", "delivered", "dead_lettered");

    public EventSinkConfig {
        if (type == null || type.isBlank()) {
            throw new InvalidValueException("type", "is required: one of " + String.join(", ", TYPES));
        }
        type = type.toLowerCase(Locale.ROOT);
        if (!TYPES.contains(type)) {
            throw new InvalidValueException("type", "unknown event sink type '" + type + "'" + Suggest.hint(type, TYPES)
                    + "; one of " + String.join(", ", TYPES));
        }
        if (name != null) {
            Check.name("name", name);
        }
        switch (type) {
            case "webhook" -> {
                if (url == null || url.isBlank()) {
                    throw new InvalidValueException("url", "a webhook sink needs url: http(s)://...");
                }
                Check.httpUrl("url", url);
            }
            case "redis-pubsub", "redis-stream", "redis-list" -> {
                Check.redisUrl("url", url, "a " + type + " sink");
                if ("redis-pubsub".equals(type) && (channel == null || channel.isBlank())) {
                    throw new InvalidValueException("channel", "a redis-pubsub sink needs the channel to publish on");
                }
                if (!"redis-pubsub".equals(type) && (key == null || key.isBlank())) {
                    throw new InvalidValueException("key", "a " + type + " sink needs the key to write to");
                }
            }
            default -> {
                if (url != null) {
                    throw new InvalidValueException("url", "a " + type + " sink takes no url");
                }
            }
        }
        if (channel != null && !"redis-pubsub".equals(type)) {
            throw new InvalidValueException("channel", "only a redis-pubsub sink takes a channel");
        }
        if (key != null && !"redis-stream".equals(type) && !"redis-list".equals(type)) {
            throw new InvalidValueException("key", "only a redis-stream or redis-list sink takes it");
        }
        if (maxLen != null && !"redis-stream".equals(type)) {
            throw new InvalidValueException("max_len", "only a redis-stream sink takes it");
        }
        maxLen = "redis-stream".equals(type) ? Check.orDefault(maxLen, 100_000L) : null;
        if (maxLen != null) {
            Check.positive("max_len", maxLen);
        }
        when = Check.orDefault(when, "all").toLowerCase(Locale.ROOT);
        if (!WHEN.contains(when)) {
            throw new InvalidValueException("when", "must be one of " + String.join(", ", WHEN) + ", got '" + when + "'"
                    + Suggest.hint(when, WHEN));
        }
        if (template != null) {
            if (template.isEmpty()) {
                throw new InvalidValueException("template", "needs at least one field, or leave it out for the "
                        + "standard event");
            }
            for (var f : template.entrySet()) {
                String v = f.getValue();
                if (v == null || v.split("\\{\\{", -1).length != v.split("}}", -1).length) {
                    throw new InvalidValueException("template." + f.getKey(), "placeholders are written {{path}}, "
                            + "each opened and closed");
                }
            }
            template = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(template));
        }
        timeoutMs = Check.orDefault(timeoutMs, 5_000L);
        maxAgeMs = Check.orDefault(maxAgeMs, 86_400_000L);
        Check.positive("timeout_ms", timeoutMs);
        Check.positive("max_age_ms", maxAgeMs);
    }

    public URI uri() {
        return url == null ? null : URI.create(url);
    }
}
