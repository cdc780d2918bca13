package io.switchboard.admission;

import io.switchboard.limit.RateLimit;

import java.util.Set;

/**
 * A configured API key as the engine knows it: its name (for logs and metrics; the key itself is never kept), what it
 * may do, and its rate limit ({@link RateLimit#unlimited()} when it has none).
 */
public record ApiKey(String name, Set<Scope> scopes, RateLimit rateLimit) {

    public ApiKey {
        scopes = Set.copyOf(scopes);
    }

    public boolean allows(Scope scope) {
        return scopes.contains(scope);
    }
}
