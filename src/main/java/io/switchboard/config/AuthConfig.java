package io.switchboard.config;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Who may call the API: API keys with scopes, or nobody checked at all ({@code mode: disabled}, which must be said).
 *
 * @param mode          {@code keys} (default: every request but health and readiness needs a key) or {@code disabled}
 * @param keys          the API keys (at least one with {@code mode: keys})
 * @param openMetrics   who may scrape {@code /metrics} without a key: {@code always}, {@code loopback} (default:
 *                      requests from 127.0.0.1 or ::1) or {@code never}; anyone else needs a key with {@code read}
 * @param openDashboard the same for the dashboard ({@code /}, its assets and {@code /v1/stats})
 */
public record AuthConfig(
        @JsonProperty("mode") String mode,
        @JsonProperty("keys") List<ApiKeyConfig> keys,
        @JsonProperty("open_metrics") String openMetrics,
        @JsonProperty("open_dashboard") String openDashboard) {

    public static final List<String> MODES = List.of("keys", "disabled");
    /** Who is let in without a key where a config may say so. */
    public static final List<String> OPENINGS = List.of("always", "loopback", "never");
    private static final List<String> RESERVED_NAMES = List.of("none", "unknown");

    public AuthConfig {
        mode = Check.orDefault(mode, "keys");
        if (!MODES.contains(mode)) {
            throw new InvalidValueException("mode", "must be keys or disabled, got '" + mode + "'"
                    + ("false".equals(mode) ? " (YAML reads an unquoted off or no as false)" : Suggest.hint(mode, MODES)));
        }
        keys = keys == null ? List.of() : List.copyOf(keys);
        openMetrics = opening("open_metrics", openMetrics);
        openDashboard = opening("open_dashboard", openDashboard);
        if ("keys".equals(mode) && keys.isEmpty()) {
            throw new InvalidValueException("keys", "mode keys needs at least one key, {name, sha256, scopes}; "
                    + "./switchboard hash-key --generate makes one (or set mode: disabled to turn authentication off)");
        }
        Map<String, Integer> names = new HashMap<>();
        Map<String, Integer> hashes = new HashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            if (RESERVED_NAMES.contains(keys.get(i).name())) {
                throw new InvalidValueException("keys[" + i + "].name", "'" + keys.get(i).name() + "' is reserved: "
                        + "metrics label requests without a key 'none' and those with an unknown key 'unknown'");
            }
            Integer before = names.putIfAbsent(keys.get(i).name(), i);
            if (before != null) {
                throw new InvalidValueException("keys[" + i + "].name", "key name '" + keys.get(i).name()
                        + "' is already used by keys[" + before + "]");
            }
            before = hashes.putIfAbsent(keys.get(i).sha256(), i);
            if (before != null) {
                throw new InvalidValueException("keys[" + i + "].sha256", "is the same key as keys[" + before
                        + "]; give each client its own key");
            }
        }
    }

    private static String opening(String key, String value) {
        String v = Check.orDefault(value, "loopback");
        if (!OPENINGS.contains(v)) {
            throw new InvalidValueException(key, "must be always, loopback or never, got '" + v + "'"
                    + Suggest.hint(v, OPENINGS));
        }
        return v;
    }

    /** Whether requests are checked at all. */
    public boolean enabled() {
        return "keys".equals(mode);
    }
}
