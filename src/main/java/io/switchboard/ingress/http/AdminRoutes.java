package io.switchboard.ingress.http;

import io.switchboard.ConfigReload;
import io.switchboard.Rulebook;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.dispatch.PoolDispatcher;
import io.switchboard.dispatch.Worker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operator's controls, under {@code /v1/admin} (scope {@code admin}, on the admin listener when there is one):
 * {@code POST /v1/admin/pools/{pool}/pause} and {@code .../resume}, {@code POST /v1/admin/workers/{worker}/drain} and
 * {@code .../undrain}, each answering the state it leaves, idempotent, and lasting until undone or until the engine
 * restarts; {@code POST /v1/admin/reload}, which reads the configuration file again, and {@code GET /v1/admin/config},
 * which says which version of it is in force.
 */
final class AdminRoutes {

    private static final Logger LOG = LoggerFactory.getLogger("switchboard.admin");
    static final String PREFIX = "/v1/admin/";

    private final Map<String, PoolDispatcher> pools;
    private final Map<String, Worker> workers = new LinkedHashMap<>();
    private final ConfigReload reload;
    private final Rulebook rules;

    AdminRoutes(Map<String, PoolDispatcher> pools, ConfigReload reload, Rulebook rules) {
        this.reload = reload;
        this.rules = rules;
        this.pools = Map.copyOf(pools);
        for (PoolDispatcher p : pools.values()) {
            for (Worker w : p.workers()) {
                workers.put(w.id(), w);
            }
        }
    }

    static boolean serves(String path) {
        return path.startsWith(PREFIX);
    }

    MessageRoutes.Answer handle(String method, String path) {
        String rest = path.substring(PREFIX.length());
        if (rest.equals("reload")) {
            return method.equals("POST") ? reload() : MessageRoutes.notAllowed(method, "POST");
        }
        if (rest.equals("config")) {
            return method.equals("GET") || method.equals("HEAD") ? config()
                    : MessageRoutes.notAllowed(method, "GET, HEAD");
        }
        String[] parts = rest.split("/", -1);
        if (parts.length != 3 || !(parts[0].equals("pools") || parts[0].equals("workers"))) {
            return MessageRoutes.Answer.problem(Problem.of(404, "not-found", "Not Found", "no such endpoint: " + path
                    + "; the admin endpoints are POST /v1/admin/pools/{pool}/pause|resume, "
                    + "POST /v1/admin/workers/{worker}/drain|undrain, POST /v1/admin/reload and GET /v1/admin/config"));
        }
        if (!method.equals("POST")) {
            return MessageRoutes.notAllowed(method, "POST");
        }
        return parts[0].equals("pools") ? pool(parts[1], parts[2]) : worker(parts[1], parts[2]);
    }

    /** Which edition of the configuration is in force, from where, and what a reload may change. */
    private MessageRoutes.Answer config() {
        Rulebook.Edition e = rules.current();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", e.version());
        body.put("digest", e.digest());
        body.put("loaded_at", Instant.ofEpochMilli(e.loadedAt()).toString());
        body.put("file", reload.sourceName());
        body.put("reloadable", SwitchboardConfig.RELOADABLE);
        body.put("classes", e.rules().classNames());
        body.put("default_class", e.rules().defaultClass());
        body.put("routes", e.config().routes().stream().map(r -> r.className() + " -> " + r.pool()
                + (r.fallback() == null ? "" : " (fallback " + r.fallback() + ")")).toList());
        body.put("api_keys", e.auth().enabled() ? e.keys().keys().stream().map(k -> k.name()).toList() : List.of());
        body.put("auth_mode", e.auth().mode());
        return MessageRoutes.Answer.json(200, body);
    }

    private MessageRoutes.Answer reloaded(ConfigReload.Outcome outcome, long version, List<String> changed) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("outcome", outcome.label());
        body.put("version", version);
        body.put("digest", rules.current().digest());
        body.put("changed", changed);
        return MessageRoutes.Answer.json(200, body);
    }

    private MessageRoutes.Answer reload() {
        return switch (reload.reload()) {
            case ConfigReload.Outcome.Applied a -> reloaded(a, a.version(), a.changed());
            case ConfigReload.Outcome.Unchanged u -> reloaded(u, u.version(), List.of());
            case ConfigReload.Outcome.Invalid i -> MessageRoutes.Answer.problem(Problem.of(422, "invalid-config",
                            "Invalid Configuration", "the configuration does not load, so nothing changed: "
                                    + i.problems().getFirst())
                    .with("errors", i.problems().stream().map(p -> {
                        Map<String, Object> error = new LinkedHashMap<>();
                        error.put("file", p.file());
                        error.put("key", p.keyPath());
                        error.put("reason", p.reason());
                        return error;
                    }).toList()));
            case ConfigReload.Outcome.RestartRequired r -> MessageRoutes.Answer.problem(Problem.of(409,
                            "restart-required", "Restart Required", "the configuration changes " + String.join(", ",
                                    r.keys()) + ", which only a restart applies, so nothing changed; a reload "
                                    + "applies changes to " + String.join(", ", SwitchboardConfig.RELOADABLE) + " alone")
                    .with("restart_required", r.keys()).with("reloadable_changes", r.reloadable()));
            case ConfigReload.Outcome.NoSource n -> MessageRoutes.Answer.problem(Problem.of(409, "no-config-file",
                    "No Configuration File", "this engine was built from a configuration in memory: there is no "
                            + "file to read again"));
        };
    }

    private MessageRoutes.Answer pool(String name, String action) {
        PoolDispatcher p = pools.get(name);
        if (p == null) {
            return MessageRoutes.Answer.problem(Problem.of(404, "not-found", "Not Found", "no pool '" + name
                    + "'; the pools are " + String.join(", ", pools.keySet())));
        }
        switch (action) {
            case "pause" -> p.pause();
            case "resume" -> p.resume();
            default -> {
                return unknownAction(action, "pause or resume");
            }
        }
        LOG.atWarn().addKeyValue("event", "pool_" + (p.paused() ? "paused" : "resumed")).addKeyValue("pool", name)
                .log("pool {} {} by an operator", name, p.paused() ? "paused" : "resumed");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("pool", name);
        body.put("paused", p.paused());
        body.put("waiting", p.waiting());
        return MessageRoutes.Answer.json(200, body);
    }

    private MessageRoutes.Answer worker(String id, String action) {
        Worker w = workers.get(id);
        if (w == null) {
            return MessageRoutes.Answer.problem(Problem.of(404, "not-found", "Not Found", "no worker '" + id + "'"));
        }
        switch (action) {
            case "drain" -> w.drain();
            case "undrain" -> w.undrain();
            default -> {
                return unknownAction(action, "drain or undrain");
            }
        }
        LOG.atWarn().addKeyValue("event", "worker_" + (w.draining() ? "drained" : "undrained"))
                .addKeyValue("pool", w.pool()).addKeyValue("worker", id)
                .log("worker {} {} by an operator", id, w.draining() ? "drained" : "put back");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("worker", id);
        body.put("pool", w.pool());
        body.put("draining", w.draining());
        body.put("in_flight", w.inFlight());
        return MessageRoutes.Answer.json(200, body);
    }

    private static MessageRoutes.Answer unknownAction(String action, String allowed) {
        return MessageRoutes.Answer.problem(Problem.of(404, "not-found", "Not Found", "no action '" + action
                + "'; use " + allowed));
    }
}
