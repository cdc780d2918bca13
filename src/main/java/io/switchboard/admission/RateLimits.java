package io.switchboard.admission;

import io.switchboard.config.RouteConfig;
import io.switchboard.limit.RateLimit;
import io.switchboard.time.Ticker;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * Enforces the request rate limits of API keys and routes. Each is a limit for every engine instance together: before
 * each request the limit takes this instance's share among the live instances (cheap when their number did not
 * change), as workers' limits do.
 */
public final class RateLimits {

    private static final RateLimit NONE = RateLimit.unlimited();

    private final Map<String, RateLimit> routes;
    private final Ticker ticker;
    private final IntSupplier instances;

    private RateLimits(Map<String, RateLimit> routes, Ticker ticker, IntSupplier instances) {
        this.routes = Map.copyOf(routes);
        this.ticker = ticker;
        this.instances = instances;
    }

    /** The limits of {@code routes}, shared among {@code instances} (e.g. the cluster's live instances). */
    public static RateLimits of(List<RouteConfig> routes, Ticker ticker, IntSupplier instances) {
        return of(routes, ticker, instances, null);
    }

    /**
     * The limits of {@code routes} after a reload: a route {@code previous} limits too goes on with the same limit
     * (new settings, what it has spent kept), so that a reload never opens a fresh burst.
     */
    public static RateLimits of(List<RouteConfig> routes, Ticker ticker, IntSupplier instances, RateLimits previous) {
        Map<String, RateLimit> limits = new HashMap<>();
        for (RouteConfig r : routes) {
            if (r.rateLimit() != null) {
                limits.put(r.className(), RateLimit.carriedOn(previous == null ? null : previous.routes.get(r.className()),
                        r.rateLimit().perSecond(), r.rateLimit().burst()));
            }
        }
        return new RateLimits(limits, ticker, instances);
    }

    /** One request by {@code key} against its limit. */
    public RateLimit.Permit forKey(ApiKey key) {
        return take(key.rateLimit());
    }

    /** One message of {@code className} against its route's limit. */
    public RateLimit.Permit forRoute(String className) {
        return take(routes.getOrDefault(className, NONE));
    }

    private RateLimit.Permit take(RateLimit limit) {
        if (!limit.limited()) {
            return limit.take(0);
        }
        limit.share(instances.getAsInt());
        return limit.take(ticker.nanoTime());
    }
}
