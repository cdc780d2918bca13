package io.switchboard.config;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Logs: format, levels, an optional rotating file, the slow-request threshold, and what they may show.
 *
 * @param format         {@code json} (default; one object per line) or {@code text} (for people)
 * @param level          the root level (default INFO); {@code SWITCHBOARD_LOG_LEVEL} wins over it
 * @param levels         logger name to level, e.g. {@code io.switchboard.deliver: DEBUG}
 * @param slowRequestMs  requests slower than this are logged at WARN with their stage timings (default 5000)
 * @param file           also write to a rotating file, or null
 * @param includeContent whether lines about a message carry its content and metadata (default false); it also allows
 *                       DEBUG on the libraries that print raw traffic (content and credentials alike)
 * @param redactHeaders  header names masked in every line besides {@link #SECRET_HEADERS}, e.g. {@code X-Provider-Key}
 */
public record LoggingConfig(
        @JsonProperty("format") String format,
        @JsonProperty("level") String level,
        @JsonProperty("levels") Map<String, String> levels,
        @JsonProperty("slow_request_ms") Long slowRequestMs,
        @JsonProperty("file") LogFileConfig file,
        @JsonProperty("include_content") Boolean includeContent,
        @JsonProperty("redact_headers") List<String> redactHeaders) {

    public static final List<String> FORMATS = List.of("json", "text");
    public static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");
    /** Headers whose values are masked in every log line, whatever the configuration. */
    public static final List<String> SECRET_HEADERS = List.of("Authorization", "Proxy-Authorization", "Cookie",
            "Set-Cookie", "X-API-Key");
    /** Libraries that print raw traffic below INFO: bodies, and header values in forms no mask recognises. */
    private static final List<String> RAW_TRAFFIC_LOGGERS = List.of("org.eclipse.jetty", "io.lettuce", "io.netty");
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");

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
        includeContent = Check.orDefault(includeContent, false);
        redactHeaders = redactHeaders == null ? List.of() : List.copyOf(redactHeaders);
        for (int i = 0; i < redactHeaders.size(); i++) {
            if (!HEADER_NAME.matcher(redactHeaders.get(i)).matches()) {
                throw new InvalidValueException("redact_headers[" + i + "]", "'" + redactHeaders.get(i)
                        + "' is not a header name");
            }
        }
        if (!includeContent) {
            for (var e : levels.entrySet()) {
                boolean belowInfo = LEVELS.indexOf(e.getValue().toUpperCase(Locale.ROOT)) < LEVELS.indexOf("INFO");
                if (belowInfo && rawTraffic(e.getKey())) {
                    throw new InvalidValueException("levels." + e.getKey(), e.getValue() + " on " + e.getKey()
                            + " logs raw traffic, message content and credentials included, which no masking "
                            + "catches; it needs include_content: true");
                }
            }
        }
    }

    /** The loggers of libraries that print raw traffic below INFO: themselves and everything under them. */
    private static boolean rawTraffic(String logger) {
        return RAW_TRAFFIC_LOGGERS.stream().anyMatch(l -> logger.equals(l) || logger.startsWith(l + "."));
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
        return new LoggingConfig(null, null, null, null, null, null, null);
    }
}
