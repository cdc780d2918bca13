package io.switchboard.config;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Logs: format, levels, an optional rotating file, and the slow-request threshold.
 *
 * @param format        {@code json} (default; one object per line) or {@code text} (for people)
 * @param level         the root level (default INFO); {@code SWITCHBOARD_LOG_LEVEL} wins over it
 * @param levels        logger name to level, e.g. {@code io.switchboard.deliver: DEBUG}
 * @param slowRequestMs requests slower than this are logged at WARN with their stage timings (default 5000)
 * @param file          also write to a rotating file, or null
 */
public record LoggingConfig(
        @JsonProperty("format") String format,
        @JsonProperty("level") String level,
        @JsonProperty("levels") Map<String, String> levels,
        @JsonProperty("slow_request_ms") Long slowRequestMs,
        @JsonProperty("file") LogFileConfig file) {

    public static final List<String> FORMATS = List.of("json", "text");
    public static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    public LoggingConfig {
        format = Check.orDefault(format, "json").toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(format)) {
            throw new InvalidValueException("format", "must be json or text, got '" + format + "'");
        }
        level = checkLevel("level", Check.orDefault(level, "INFO"));
        levels = levels == null ? Map.of() : Map.copyOf(levels);
        for (var e : levels.entrySet()) {
            checkLevel("levels." + e.getKey(), e.getValue());
        }
        slowRequestMs = Check.orDefault(slowRequestMs, 5_000L);
        Check.positive("slow_request_ms", slowRequestMs);
    }

    private static String checkLevel(String key, String value) {
        String upper = value.toUpperCase(Locale.ROOT);
        if (!LEVELS.contains(upper)) {
            throw new InvalidValueException(key, "unknown level '" + value + "'" + Suggest.hint(upper, LEVELS)
                    + "; one of " + String.join(", ", LEVELS));
        }
        return upper;
    }

    public static LoggingConfig defaults() {
        return new LoggingConfig(null, null, null, null, null);
    }
}
