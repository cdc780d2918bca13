package io.switchboard.config;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.net.URI;

/**
 * One HTTP worker.
 *
 * @param id             unique across all pools
 * @param url            http(s) URL the envelope is POSTed to
 * @param weight         share for weighted strategies and consistent hashing (default 1)
 * @param maxConcurrency most requests in flight to it at once (default 16)
 * @param maxRequestsPerSecond most requests sent to it per second (default: no limit); like {@code max_concurrency}
 *                       a limit for every engine sharing a Redis store together
 * @param burst          requests that may go at once within the rate (default: one second's worth, at least 1)
 */
public record WorkerConfig(
        @JsonProperty("id") String id,
        @JsonProperty("url") String url,
        @JsonProperty("weight") Integer weight,
        @JsonProperty("max_concurrency") Integer maxConcurrency,
        @JsonProperty("max_requests_per_second") Double maxRequestsPerSecond,
        @JsonProperty("burst") Integer burst) {

    public WorkerConfig {
        Check.name("id", id);
        if (url == null || url.isBlank()) {
            throw new InvalidValueException("url", "is required");
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new InvalidValueException("url", "'" + url + "' is not a valid URL");
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())
                || uri.getHost() == null) {
            throw new InvalidValueException("url", "'" + url + "' must be an absolute http:// or https:// URL");
        }
        weight = Check.orDefault(weight, 1);
        maxConcurrency = Check.orDefault(maxConcurrency, 16);
        Check.atLeast("weight", 1, weight);
        Check.atLeast("max_concurrency", 1, maxConcurrency);
        if (maxRequestsPerSecond != null && !(maxRequestsPerSecond > 0 && maxRequestsPerSecond <= 1_000_000)) {
            throw new InvalidValueException("max_requests_per_second", "must be more than 0 and at most 1000000, got "
                    + maxRequestsPerSecond);
        }
        if (burst != null && maxRequestsPerSecond == null) {
            throw new InvalidValueException("burst", "goes with max_requests_per_second");
        }
        if (maxRequestsPerSecond != null) {
            burst = Check.orDefault(burst, (int) Math.max(1, Math.ceil(maxRequestsPerSecond)));
            Check.atLeast("burst", 1, burst);
        }
    }

    /** Compatible with configurations built before the rate limit existed. */
    public WorkerConfig(String id, String url, Integer weight, Integer maxConcurrency) {
        this(id, url, weight, maxConcurrency, null, null);
    }

    public URI uri() {
        return URI.create(url);
    }
}
