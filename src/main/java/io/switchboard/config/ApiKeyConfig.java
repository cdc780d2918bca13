package io.switchboard.config;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One API key: only the SHA-256 of the key is configured, never the key.
 *
 * @param name      names the key in logs and metrics (never the key itself)
 * @param sha256    the SHA-256 of the key as 64 hex digits, as {@code switchboard hash-key} prints it
 * @param scopes    what the key may do: {@code route}, {@code submit}, {@code read}, {@code admin}
 * @param rateLimit requests per second allowed to this key (default: no limit)
 */
public record ApiKeyConfig(
        @JsonProperty("name") String name,
        @JsonProperty("sha256") String sha256,
        @JsonProperty("scopes") List<String> scopes,
        @JsonProperty("rate_limit") RateLimitConfig rateLimit) {

    /** The scopes, each granting a group of endpoints (see docs/security.md). */
    public static final List<String> SCOPES = List.of("route", "submit", "read", "admin");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    public ApiKeyConfig {
        Check.name("name", name);
        // The value is never echoed: a key pasted here by mistake must not end up in a log or a terminal.
        if (sha256 == null || sha256.isBlank()) {
            throw new InvalidValueException("sha256", "is required: the SHA-256 of the key in hex; "
                    + "./switchboard hash-key prints it");
        }
        sha256 = sha256.strip().toLowerCase(Locale.ROOT);
        if (!SHA256_HEX.matcher(sha256).matches()) {
            throw new InvalidValueException("sha256", "must be the SHA-256 of the key as 64 hex digits, as "
                    + "./switchboard hash-key prints it (" + sha256.length() + " characters given); never the key itself");
        }
        if (scopes == null || scopes.isEmpty()) {
            throw new InvalidValueException("scopes", "at least one scope is required: " + String.join(", ", SCOPES));
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < scopes.size(); i++) {
            String scope = scopes.get(i);
            if (!SCOPES.contains(scope)) {
                throw new InvalidValueException("scopes[" + i + "]", "unknown scope '" + scope + "'"
                        + Suggest.hint(scope, SCOPES) + "; one of " + String.join(", ", SCOPES));
            }
            if (!seen.add(scope)) {
                throw new InvalidValueException("scopes[" + i + "]", "scope '" + scope + "' is listed twice");
            }
        }
        scopes = List.copyOf(scopes);
    }
}
