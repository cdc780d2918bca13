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
 */
public record WorkerConfig(
        @JsonProperty("id") String id,
        @JsonProperty("url") String url,
        @JsonProperty("weight") Integer weight,
        @JsonProperty("max_concurrency") Integer maxConcurrency) {

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
    }

    public URI uri() {
        return URI.create(url);
    }
}
