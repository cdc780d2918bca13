package io.switchboard.ingress.http;

import io.switchboard.dispatch.PoolDispatcher;
import io.switchboard.dispatch.Worker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The operator's controls, under {@code /v1/admin} (scope {@code admin}, on the admin listener when there is one):
 * {@code POST /v1/admin/pools/{pool}/pause} and {@code .../resume}, {@code POST /v1/admin/workers/{worker}/drain} and
 * {@code .../undrain}. Each answers the state it leaves, and is idempotent. What they change lasts until undone or
 * until the engine restarts.
 */
final class AdminRoutes {

    private static final Logger LOG = LoggerFactory.getLogger("switchboard.admin");
    static final String PREFIX = "/v1/admin/";

    private final Map<String, PoolDispatcher> pools;
    private final Map<String, Worker> workers = new LinkedHashMap<>();

    AdminRoutes(Map<String, PoolDispatcher> pools) {
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
        String[] parts = path.substring(PREFIX.length()).split("/", -1);
        if (parts.length != 3 || !(parts[0].equals("pools") || parts[0].equals("workers"))) {
            return MessageRoutes.Answer.problem(Problem.of(404, "not-found", "Not Found", "no such endpoint: " + path
                    + "; the admin endpoints are POST /v1/admin/pools/{pool}/pause|resume and "
                    + "POST /v1/admin/workers/{worker}/drain|undrain"));
        }
        if (!method.equals("POST")) {
            return MessageRoutes.Answer.problem(Problem.of(405, "method-not-allowed", "Method Not Allowed",
                    method + " is not allowed here; use POST")).header("Allow", "POST");
        }
        return parts[0].equals("pools") ? pool(parts[1], parts[2]) : worker(parts[1], parts[2]);
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
