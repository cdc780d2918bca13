package io.switchboard.ingress.http;

import io.switchboard.Rulebook;
import io.switchboard.admission.ApiKey;
import io.switchboard.admission.Authentication;
import io.switchboard.config.AuthConfig;
import io.switchboard.ingress.IngressMetrics;
import io.switchboard.ingress.IngressMetrics.AuthOutcome;
import io.switchboard.limit.RateLimit;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Request;

import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * Decides whether a request may reach its endpoint: which listener serves it (the admin endpoints live on the admin
 * listener alone when there is one), its API key and the scope the endpoint needs, the openings for metrics and the
 * dashboard, and the key's rate limit; and, once a message is classified, its route's rate limit.
 */
final class AccessControl {

    /** What {@link #check} decided. */
    sealed interface Verdict {
        /** Serve it; {@code key} is the caller's API key, or null where none was asked for. */
        record Pass(ApiKey key) implements Verdict {
        }

        /** Answer {@code problem} instead (its headers are set already). */
        record Refuse(Problem problem) implements Verdict {
        }
    }

    private static final Verdict.Pass OPEN = new Verdict.Pass(null);
    private static final String BEARER = "bearer ";
    private static final String CHALLENGE = "Bearer realm=\"switchboard\"";
    private static final String LIMIT = "RateLimit-Limit";

    /** The keys, the openings and the limits in force: read once per check, so a reload never splits one. */
    private final Rulebook rules;
    private final IngressMetrics metrics;
    /** The admin listener, or null when the admin endpoints are served on the main one. */
    private final Connector admin;

    AccessControl(Rulebook rules, IngressMetrics metrics, Connector admin) {
        this.rules = rules;
        this.metrics = metrics;
        this.admin = admin;
    }

    Verdict check(Request request, HttpFields.Mutable headers) {
        String path = request.getHttpURI().getPath();
        EndpointAccess access = EndpointAccess.of(request.getMethod(), path);
        if (admin != null) {
            boolean onAdmin = request.getConnectionMetaData().getConnector() == admin;
            if (onAdmin && access != EndpointAccess.ADMIN && access != EndpointAccess.OPEN) {
                return notFound("no such endpoint on the admin listener: " + path + "; the API is on the main port");
            }
            if (!onAdmin && access == EndpointAccess.ADMIN) {
                return notFound(path + " is served on the admin listener only (server.admin_port)");
            }
        }
        Rulebook.Edition edition = rules.current();
        AuthConfig auth = edition.auth();
        if (!auth.enabled() || access.scope == null
                || access == EndpointAccess.METRICS && opens(auth.openMetrics(), request)
                || access == EndpointAccess.DASHBOARD && opens(auth.openDashboard(), request)) {
            return OPEN;
        }
        return switch (edition.keys().authenticate(presentedKey(request), access.scope)) {
            case Authentication.Unauthorized u -> {
                metrics.authenticated(u.presented() ? IngressMetrics.UNKNOWN_KEY : IngressMetrics.NO_KEY,
                        AuthOutcome.UNAUTHORIZED);
                headers.put(HttpHeader.WWW_AUTHENTICATE, u.presented() ? CHALLENGE + ", error=\"invalid_token\"" : CHALLENGE);
                yield new Verdict.Refuse(Problem.of(401, "unauthorized", "Unauthorized", u.presented()
                        ? "the API key is not known"
                        : "this endpoint needs an API key: send Authorization: Bearer <key> or X-API-Key: <key>"));
            }
            case Authentication.Forbidden f -> {
                metrics.authenticated(f.key().name(), AuthOutcome.FORBIDDEN);
                yield new Verdict.Refuse(Problem.of(403, "forbidden", "Forbidden", "the API key '" + f.key().name()
                        + "' lacks the scope '" + f.needed().label() + "' that " + request.getMethod() + " " + path
                        + " needs").with("required_scope", f.needed().label()));
            }
            case Authentication.Accepted a -> {
                metrics.authenticated(a.key().name(), AuthOutcome.ACCEPTED);
                RateLimit.Permit permit = edition.limits().forKey(a.key());
                Problem refused = limited(permit, headers, "the API key '" + a.key().name() + "'");
                yield refused == null ? new Verdict.Pass(a.key()) : new Verdict.Refuse(refused);
            }
        };
    }

    /**
     * One message of {@code className} against its route's rate limit: the problem to answer, or null to go on. An
     * answer tells of the key's limit when the key has one, else of the route's; a refusal, of the limit that refused.
     */
    Problem limitRoute(String className, HttpFields.Mutable headers) {
        RateLimit.Permit permit = rules.current().limits().forRoute(className);
        if (permit.admitted() && headers.contains(LIMIT)) {
            return null;
        }
        Problem p = limited(permit, headers, "the route of class '" + className + "'");
        return p == null ? null : p.with("class", className);
    }

    /** Tells the client about its limit (when there is one); the 429 to answer when {@code permit} refused. */
    private static Problem limited(RateLimit.Permit permit, HttpFields.Mutable headers, String who) {
        if (!permit.limited()) {
            return null;
        }
        // The IETF draft's fields (draft-ietf-httpapi-ratelimit-headers): this instance's burst, what is left of it,
        // and the seconds until it is whole again.
        headers.put(LIMIT, Integer.toString(permit.limit()));
        headers.put("RateLimit-Remaining", Integer.toString(permit.remaining()));
        headers.put("RateLimit-Reset", Long.toString(permit.resetSeconds()));
        if (permit.admitted()) {
            return null;
        }
        headers.put(HttpHeader.RETRY_AFTER, Long.toString(permit.retryAfterSeconds()));
        return Problem.of(429, "rate-limited", "Too Many Requests", who + " is over its rate limit; retry after "
                + permit.retryAfterSeconds() + " s").with("retry_after_s", permit.retryAfterSeconds());
    }

    /** Whether {@code opening} lets {@code request} in without a key. */
    private static boolean opens(String opening, Request request) {
        return switch (opening) {
            case "always" -> true;
            case "loopback" -> fromLoopback(request);
            default -> false;
        };
    }

    /** Whether the connection comes from this machine (127.0.0.0/8 or ::1); a proxy on this machine counts too. */
    static boolean fromLoopback(Request request) {
        return request.getConnectionMetaData().getRemoteSocketAddress() instanceof InetSocketAddress remote
                && remote.getAddress() != null && remote.getAddress().isLoopbackAddress();
    }

    /** The key in {@code Authorization: Bearer <key>}, else in {@code X-API-Key}; null when neither has one. */
    static String presentedKey(Request request) {
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (authorization != null && authorization.length() > BEARER.length()
                && authorization.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
            String key = authorization.substring(BEARER.length()).strip();
            if (!key.isEmpty()) {
                return key;
            }
        }
        String header = request.getHeaders().get("X-API-Key");
        return header == null || header.isBlank() ? null : header.strip();
    }

    private static Verdict notFound(String detail) {
        return new Verdict.Refuse(Problem.of(404, "not-found", "Not Found", detail));
    }
}
