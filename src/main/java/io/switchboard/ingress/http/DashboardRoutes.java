package io.switchboard.ingress.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.switchboard.ingress.EngineStatus;
import io.switchboard.message.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The read-only views for people and monitors: {@code GET /v1/health/details}, {@code GET /v1/stats}, and the
 * dashboard page with its assets, which are read from the jar once and served from memory.
 */
final class DashboardRoutes {

    /** An answer ready to write. */
    record Page(int status, String contentType, byte[] body) {
    }

    private static final String JSON = "application/json";
    /** Only these paths are served, so no request can name another resource of the jar. */
    private static final Map<String, String[]> ASSETS = Map.of(
            "/", new String[] {"dashboard/index.html", "text/html; charset=utf-8"},
            "/dashboard/app.js", new String[] {"dashboard/app.js", "text/javascript; charset=utf-8"},
            "/dashboard/style.css", new String[] {"dashboard/style.css", "text/css; charset=utf-8"});

    private final EngineStatus status;
    private final Map<String, Page> assets;

    DashboardRoutes(EngineStatus status) {
        this.status = status;
        var loaded = new java.util.HashMap<String, Page>();
        ASSETS.forEach((path, resource) -> loaded.put(path, new Page(200, resource[1], load(resource[0]))));
        this.assets = Map.copyOf(loaded);
    }

    private static byte[] load(String resource) {
        try (InputStream in = DashboardRoutes.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether {@code path} is one of these views; they are answered even beyond {@code server.max_in_flight}. */
    static boolean serves(String path) {
        return "/v1/health/details".equals(path) || "/v1/stats".equals(path) || ASSETS.containsKey(path);
    }

    /** The answer for {@code path}, or null when it is not one of these views. */
    Page page(String path) {
        return switch (path) {
            case "/v1/health/details" -> json(status.healthDetails());
            case "/v1/stats" -> json(status.stats());
            default -> assets.get(path);
        };
    }

    private static Page json(EngineStatus.View view) {
        try {
            return new Page(view.ok() ? 200 : 503, JSON, Json.mapper().writeValueAsBytes(view.body()));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
