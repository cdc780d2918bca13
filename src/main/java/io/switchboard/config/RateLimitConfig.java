package io.switchboard.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A request rate limit, for an API key or a route. Like a worker's {@code max_requests_per_second} it is a limit for
 * every engine sharing a Redis store together.
 *
 * @param perSecond requests per second (required)
 * @param burst     requests that may go at once within the rate (default: one second's worth, at least 1)
 */
public record RateLimitConfig(
        @JsonProperty("per_second") Double perSecond,
        @JsonProperty("burst") Integer burst) {

    public RateLimitConfig {
        if (perSecond == null) {
            throw new InvalidValueException("per_second", "is required: the requests per second allowed");
        }
        if (!(perSecond > 0 && perSecond <= 1_000_000)) {
            throw new InvalidValueException("per_second", "must be more than 0 and at most 1000000, got " + perSecond);
        }
        burst = Check.orDefault(burst, (int) Math.max(1, Math.ceil(perSecond)));
        Check.atLeast("burst", 1, burst);
        if (burst > 1_000_000) {
            throw new InvalidValueException("burst", "must be at most 1000000, got " + burst);
        }
    }
}
