package io.switchboard.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Where a class goes.
 *
 * @param className the class
 * @param pool      the primary pool
 * @param fallback  the pool used when the primary is exhausted, or null
 * @param rateLimit requests per second the route takes (default: no limit); checked once the class is known
 */
public record RouteConfig(
        @JsonProperty("class") String className,
        @JsonProperty("pool") String pool,
        @JsonProperty("fallback") String fallback,
        @JsonProperty("rate_limit") RateLimitConfig rateLimit) {

    public RouteConfig {
        Check.name("class", className);
        Check.name("pool", pool);
        if (fallback != null) {
            Check.name("fallback", fallback);
            if (fallback.equals(pool)) {
                throw new InvalidValueException("fallback", "must differ from pool '" + pool + "'");
            }
        }
    }

    /** Compatible with configurations built before routes could be rate limited. */
    public RouteConfig(String className, String pool, String fallback) {
        this(className, pool, fallback, null);
    }
}
