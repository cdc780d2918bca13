package io.switchboard.config;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * One place completion events ({@code message_delivered}, {@code message_dead_lettered}) are sent to. Each sink gets
 * every event at least once, from an outbox in the store, without ever holding up a delivery.
 *
 * @param type      {@code log} (one INFO line per event on logger {@code switchboard.events}) or {@code webhook}
 * @param name      how logs and metrics name the sink (default: its type, numbered when repeated)
 * @param url       for {@code webhook}: the http(s) URL that receives one POST per event
 * @param timeoutMs for {@code webhook}: connect and request timeout of one post (default 5000)
 * @param maxAgeMs  an event not sent within this long is dropped with a WARN line (default 24 h)
 */
public record EventSinkConfig(
        @JsonProperty("type") String type,
        @JsonProperty("name") String name,
        @JsonProperty("url") String url,
        @JsonProperty("timeout_ms") Long timeoutMs,
        @JsonProperty("max_age_ms") Long maxAgeMs) {

    public static final List<String> TYPES = List.of("log", "webhook");

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
        if ("webhook".equals(type)) {
            if (url == null || url.isBlank()) {
                throw new InvalidValueException("url", "a webhook sink needs url: http(s)://...");
            }
            Check.httpUrl("url", url);
        } else if (url != null) {
            throw new InvalidValueException("url", "only a webhook sink takes a url");
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
