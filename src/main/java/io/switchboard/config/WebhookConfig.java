package io.switchboard.config;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * One place the engine posts its own alerts to.
 *
 * @param url       http(s) URL that receives a POST per alert transition
 * @param format    {@code json} (default; the generic payload) or {@code slack} (an incoming-webhook {@code text})
 * @param timeoutMs connect and request timeout of one post (default 5000)
 */
public record WebhookConfig(
        @JsonProperty("url") String url,
        @JsonProperty("format") String format,
        @JsonProperty("timeout_ms") Long timeoutMs) {

    public static final List<String> FORMATS = List.of("json", "slack");

    public WebhookConfig {
        Check.httpUrl("url", url);
        format = Check.orDefault(format, "json").toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(format)) {
            throw new InvalidValueException("format", "must be json or slack, got '" + format + "'"
                    + Suggest.hint(format, FORMATS));
        }
        timeoutMs = Check.orDefault(timeoutMs, 5_000L);
        Check.positive("timeout_ms", timeoutMs);
    }

    public URI uri() {
        return URI.create(url);
    }
}
