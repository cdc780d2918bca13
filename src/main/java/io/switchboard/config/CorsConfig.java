package io.switchboard.config;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which web pages on other origins may call the API from a browser (CORS). Without this section no CORS header is
 * sent, so browsers keep other origins' scripts out.
 *
 * @param allowedOrigins   origins such as {@code https://app.example.com}, or {@code *} alone for any
 * @param allowCredentials whether browsers may send cookies and HTTP authentication along (default false; never
 *                         with {@code *})
 * @param maxAgeS          how long a browser may cache a preflight answer, in seconds (default 600)
 */
public record CorsConfig(
        @JsonProperty("allowed_origins") List<String> allowedOrigins,
        @JsonProperty("allow_credentials") Boolean allowCredentials,
        @JsonProperty("max_age_s") Long maxAgeS) {

    public CorsConfig {
        if (allowedOrigins == null || allowedOrigins.isEmpty()) {
            throw new InvalidValueException("allowed_origins", "at least one origin is required, e.g. "
                    + "[https://app.example.com]");
        }
        List<String> origins = new ArrayList<>();
        for (int i = 0; i < allowedOrigins.size(); i++) {
            String origin = allowedOrigins.get(i);
            if ("*".equals(origin)) {
                if (allowedOrigins.size() > 1) {
                    throw new InvalidValueException("allowed_origins[" + i + "]", "'*' allows every origin; list "
                            + "origins or give '*' alone");
                }
                origins.add(origin);
                continue;
            }
            String normal = origin(origin);
            if (normal == null) {
                throw new InvalidValueException("allowed_origins[" + i + "]", "'" + origin + "' is not an origin: "
                        + "scheme://host[:port] without a path, e.g. https://app.example.com");
            }
            if (origins.contains(normal)) {
                throw new InvalidValueException("allowed_origins[" + i + "]", "'" + origin + "' is listed twice");
            }
            origins.add(normal);
        }
        allowedOrigins = List.copyOf(origins);
        allowCredentials = Check.orDefault(allowCredentials, false);
        if (allowCredentials && allowedOrigins.contains("*")) {
            throw new InvalidValueException("allow_credentials", "cannot be true with allowed_origins ['*']: "
                    + "browsers refuse credentials for any origin; list the origins instead");
        }
        maxAgeS = Check.orDefault(maxAgeS, 600L);
        Check.atLeast("max_age_s", 0, maxAgeS);
        if (maxAgeS > 86_400) {
            throw new InvalidValueException("max_age_s", "must be at most 86400 (a day), got " + maxAgeS);
        }
    }

    /** Whether any origin is allowed. */
    public boolean anyOrigin() {
        return allowedOrigins.contains("*");
    }

    /**
     * An origin as browsers send it in the {@code Origin} header: lower-case scheme and host, the port only when it
     * is not the scheme's default; null when {@code value} is not an http(s) origin.
     */
    public static String origin(String value) {
        if (value == null) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (java.net.URISyntaxException e) {
            return null;
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!"http".equals(scheme) && !"https".equals(scheme) || uri.getHost() == null || uri.getRawUserInfo() != null
                || !(uri.getRawPath() == null || uri.getRawPath().isEmpty()) || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            return null;
        }
        int port = uri.getPort();
        boolean defaultPort = port == -1 || ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }
}
