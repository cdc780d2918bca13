package io.switchboard.config;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * Where asynchronous messages are kept.
 *
 * @param type {@code embedded} (SQLite under {@code path}) or {@code redis} (at {@code url})
 */
public record StoreConfig(
        @JsonProperty("type") String type,
        @JsonProperty("path") String path,
        @JsonProperty("url") String url) {

    public static final List<String> TYPES = List.of("embedded", "redis");

    public StoreConfig {
        type = Check.orDefault(type, "embedded");
        if (!TYPES.contains(type)) {
            throw new InvalidValueException("type", "unknown store type '" + type + "'" + Suggest.hint(type, TYPES)
                    + "; one of " + String.join(", ", TYPES));
        }
        if ("embedded".equals(type)) {
            path = Check.orDefault(path, "./data");
        }
        if ("redis".equals(type) && (url == null || !url.startsWith("redis"))) {
            throw new InvalidValueException("url", "a redis store needs url: redis://host:port");
        }
    }

    public static StoreConfig defaults() {
        return new StoreConfig(null, null, null);
    }
}
