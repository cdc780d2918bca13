package io.switchboard.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Where a class goes.
 *
 * @param className the class
 * @param pool      the primary pool
 * @param fallback  the pool used when the primary is exhausted, or null
 */
public record RouteConfig(
        @JsonProperty("class") String className,
        @JsonProperty("pool") String pool,
        @JsonProperty("fallback") String fallback) {

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
}
