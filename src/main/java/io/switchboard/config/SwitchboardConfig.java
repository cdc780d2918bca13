package io.switchboard.config;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The whole engine configuration: one immutable value, checked for internal consistency when built. */
public record SwitchboardConfig(
        @JsonProperty("server") ServerConfig server,
        @JsonProperty("classes") List<ClassConfig> classes,
        @JsonProperty("default_class") String defaultClass,
        @JsonProperty("pools") Map<String, PoolConfig> pools,
        @JsonProperty("routes") List<RouteConfig> routes,
        @JsonProperty("delivery") DeliveryConfig delivery,
        @JsonProperty("circuit_breaker") CircuitBreakerSettings circuitBreaker,
        @JsonProperty("queue") QueueConfig queue,
        @JsonProperty("store") StoreConfig store,
        @JsonProperty("logging") LoggingConfig logging,
        @JsonProperty("alerts") AlertsConfig alerts,
        @JsonProperty("events") List<EventSinkConfig> events,
        @JsonProperty("ingress") List<IngressConfig> ingress,
        @JsonProperty("auth") AuthConfig auth) {

    /** The top-level keys a running engine applies on reload; a change to any other needs a restart. */
    public static final List<String> RELOADABLE = List.of("classes", "default_class", "routes", "auth");

    public SwitchboardConfig {
        server = Check.orDefault(server, ServerConfig.defaults());
        classes = classes == null ? List.of() : List.copyOf(classes);
        pools = pools == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(pools));
        routes = routes == null ? List.of() : List.copyOf(routes);
        delivery = Check.orDefault(delivery, DeliveryConfig.defaults());
        circuitBreaker = Check.orDefault(circuitBreaker, CircuitBreakerSettings.defaults());
        queue = Check.orDefault(queue, QueueConfig.defaults());
        store = Check.orDefault(store, StoreConfig.defaults());
        logging = Check.orDefault(logging, LoggingConfig.defaults());
        alerts = Check.orDefault(alerts, AlertsConfig.defaults());
        events = events == null ? List.of() : List.copyOf(events);
        ingress = ingress == null ? List.of() : List.copyOf(ingress);

        if (pools.isEmpty()) {
            throw new InvalidValueException("pools", "at least one pool is required");
        }
        for (String poolName : pools.keySet()) {
            Check.name("pools." + poolName, poolName);
        }
        Map<String, String> workerPool = new HashMap<>();
        for (var pool : pools.entrySet()) {
            List<WorkerConfig> workers = pool.getValue().workers();
            for (int i = 0; i < workers.size(); i++) {
                String previous = workerPool.putIfAbsent(workers.get(i).id(), pool.getKey());
                if (previous != null) {
                    throw new InvalidValueException("pools." + pool.getKey() + ".workers[" + i + "].id",
                            "worker id '" + workers.get(i).id() + "' is already used in pool '" + previous + "'");
                }
            }
        }
        Map<String, Integer> classIndex = new HashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            if (classIndex.putIfAbsent(classes.get(i).name(), i) != null) {
                throw new InvalidValueException("classes[" + i + "].name", "duplicate class '" + classes.get(i).name() + "'");
            }
        }
        if (classes.isEmpty() && defaultClass == null) {
            throw new InvalidValueException("classes", "at least one class (or a default_class) is required");
        }
        if (defaultClass == null) {
            throw new InvalidValueException("default_class", "is required: the class of messages no rule matches");
        }
        Map<String, Integer> routeIndex = new HashMap<>();
        for (int i = 0; i < routes.size(); i++) {
            RouteConfig r = routes.get(i);
            if (routeIndex.putIfAbsent(r.className(), i) != null) {
                throw new InvalidValueException("routes[" + i + "].class", "a route for class '" + r.className() + "' already exists");
            }
            if (!classIndex.containsKey(r.className()) && !r.className().equals(defaultClass)) {
                throw new InvalidValueException("routes[" + i + "].class", "unknown class '" + r.className() + "'"
                        + Suggest.hint(r.className(), classIndex.keySet()));
            }
            if (!pools.containsKey(r.pool())) {
                throw new InvalidValueException("routes[" + i + "].pool", "unknown pool '" + r.pool() + "'"
                        + Suggest.hint(r.pool(), pools.keySet()));
            }
            if (r.fallback() != null && !pools.containsKey(r.fallback())) {
                throw new InvalidValueException("routes[" + i + "].fallback", "unknown pool '" + r.fallback() + "'"
                        + Suggest.hint(r.fallback(), pools.keySet()));
            }
        }
        for (int i = 0; i < classes.size(); i++) {
            if (!routeIndex.containsKey(classes.get(i).name())) {
                throw new InvalidValueException("classes[" + i + "].name", "class '" + classes.get(i).name()
                        + "' has no route; add {class: " + classes.get(i).name() + ", pool: ...} to routes");
            }
        }
        List<String> sinkNames = sinkNames(events);
        for (int i = 0; i < sinkNames.size(); i++) {
            if (sinkNames.indexOf(sinkNames.get(i)) != i) {
                throw new InvalidValueException("events[" + i + "].name", "event sink name '" + sinkNames.get(i)
                        + "' is already used; give each sink its own name");
            }
        }
        if (!routeIndex.containsKey(defaultClass)) {
            throw new InvalidValueException("default_class", "'" + defaultClass + "' has no route"
                    + Suggest.hint(defaultClass, routeIndex.keySet()));
        }
        if (auth == null) {
            // No default: an engine without keys is open to anyone who can reach it, so that has to be said.
            throw new InvalidValueException("auth", "is required: list API keys, auth: {keys: [{name, sha256, "
                    + "scopes}]} (./switchboard hash-key --generate makes a key and its sha256), or turn "
                    + "authentication off explicitly with auth: {mode: disabled}");
        }
    }

    /** The event sinks' names: as configured, else the type, numbered from the second sink of a type on. */
    public List<String> eventSinkNames() {
        return sinkNames(events);
    }

    private static List<String> sinkNames(List<EventSinkConfig> events) {
        List<String> names = new java.util.ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (EventSinkConfig e : events) {
            int n = seen.merge(e.type(), 1, Integer::sum);
            names.add(e.name() != null ? e.name() : n == 1 ? e.type() : e.type() + "-" + n);
        }
        return names;
    }

    /** The route of a class, or null. */
    public RouteConfig routeFor(String className) {
        for (RouteConfig r : routes) {
            if (r.className().equals(className)) {
                return r;
            }
        }
        return null;
    }
}
