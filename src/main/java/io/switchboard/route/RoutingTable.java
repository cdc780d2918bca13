package io.switchboard.route;

import io.switchboard.config.RouteConfig;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An immutable map from class to route, built once from config and swapped whole on reload. */
public final class RoutingTable {

    private final Map<String, Route> routes;
    private final Route defaultRoute;

    private RoutingTable(Map<String, Route> routes, Route defaultRoute) {
        this.routes = routes;
        this.defaultRoute = defaultRoute;
    }

    public static RoutingTable of(List<RouteConfig> configs, String defaultClass) {
        Map<String, Route> map = new HashMap<>();
        for (RouteConfig c : configs) {
            map.put(c.className(), new Route(c.className(), c.pool(), c.fallback()));
        }
        Route fallbackRoute = map.get(defaultClass);
        if (fallbackRoute == null) {
            throw new IllegalArgumentException("no route for the default class '" + defaultClass + "'");
        }
        return new RoutingTable(Map.copyOf(map), fallbackRoute);
    }

    /** The route of a class; the default class's route for a class without one. */
    public Route routeFor(String className) {
        return routes.getOrDefault(className, defaultRoute);
    }

    public List<Route> routes() {
        return List.copyOf(routes.values());
    }
}
