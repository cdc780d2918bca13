package io.switchboard.ingress.http;

import io.switchboard.admission.Scope;

/**
 * What an endpoint asks of a request before serving it: nothing, a key with a scope, or the openings of
 * {@code auth.open_metrics} and {@code auth.open_dashboard} (a key with {@code read} when they do not let it in).
 * The one place where endpoints map to scopes.
 */
enum EndpointAccess {
    /** {@code /health}, {@code /ready}: always open. */
    OPEN(null),
    /** {@code /metrics}. */
    METRICS(Scope.READ),
    /** The dashboard: {@code /}, its assets and {@code /v1/stats}. */
    DASHBOARD(Scope.READ),
    /** {@code /v1/route}, {@code /v1/classify}. */
    ROUTE(Scope.ROUTE),
    /** {@code /v1/messages}. */
    SUBMIT(Scope.SUBMIT),
    /** A message's status, the dead letters, the health details. */
    READ(Scope.READ),
    /** Anything that changes the dead-letter queue (replay and purge), and the operator's controls under /v1/admin. */
    ADMIN(Scope.ADMIN),
    /** No such endpoint: answered 404 without asking for anything. */
    UNKNOWN(null);

    private static final String MESSAGES = "/v1/messages";
    private static final String DEAD_LETTERS = "/v1/dead-letters";

    /** The scope a key needs here, or null when none is ever asked for. */
    final Scope scope;

    EndpointAccess(Scope scope) {
        this.scope = scope;
    }

    static EndpointAccess of(String method, String path) {
        switch (path) {
            case "/health", "/ready" -> {
                return OPEN;
            }
            case "/metrics" -> {
                return METRICS;
            }
            case "/v1/route", "/v1/classify" -> {
                return ROUTE;
            }
            case MESSAGES -> {
                return SUBMIT;
            }
            case "/v1/health/details" -> {
                return READ;
            }
            default -> {
                if (AdminRoutes.serves(path)) {
                    return ADMIN;
                }
                if (path.startsWith(MESSAGES + "/")) {
                    return READ;
                }
                if (path.equals(DEAD_LETTERS) || path.startsWith(DEAD_LETTERS + "/")) {
                    // Reading is GET and HEAD; every other method there replays or purges (or is refused 405).
                    return method.equals("GET") || method.equals("HEAD") ? READ : ADMIN;
                }
                return DashboardRoutes.serves(path) ? DASHBOARD : UNKNOWN;
            }
        }
    }
}
