package io.switchboard.ingress.http;

import io.switchboard.config.CorsConfig;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

import java.util.Locale;

/**
 * The CORS policy of {@code server.cors}: answers preflights, and lets pages of an allowed origin read the answers.
 * A request from any other origin gets no CORS header at all, so the browser keeps its page from reading the answer.
 * Without the section nothing is added and preflights are ordinary requests (as before CORS existed).
 */
final class Cors {

    static final Cors NONE = new Cors(null);

    static final String METHODS = "GET, HEAD, POST, DELETE";
    /** Every request header the API reads. */
    static final String REQUEST_HEADERS = "Authorization, X-API-Key, Content-Type, Accept, X-Request-ID, traceparent";
    /** Every response header beyond the CORS-safelisted ones that a client may want to read. */
    static final String RESPONSE_HEADERS = "X-Request-ID, X-Switchboard-Class, X-Switchboard-Pool, "
            + "X-Switchboard-Worker, Location, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, "
            + "WWW-Authenticate";

    private final CorsConfig config;

    private Cors(CorsConfig config) {
        this.config = config;
    }

    static Cors of(CorsConfig config) {
        return config == null ? NONE : new Cors(config);
    }

    /** A CORS preflight this policy answers: {@code OPTIONS} with {@code Origin} and the method it asks about. */
    boolean isPreflight(Request request) {
        return config != null && "OPTIONS".equals(request.getMethod())
                && request.getHeaders().get(HttpHeader.ORIGIN) != null
                && request.getHeaders().get(HttpHeader.ACCESS_CONTROL_REQUEST_METHOD) != null;
    }

    /** Adds the preflight answer's headers for {@code request}'s origin; false, adding none, when it is not allowed. */
    boolean preflight(Request request, HttpFields.Mutable headers) {
        headers.add(HttpHeader.VARY, "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
        String origin = allowed(request);
        if (origin == null) {
            return false;
        }
        headers.put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, METHODS);
        headers.put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, REQUEST_HEADERS);
        headers.put(HttpHeader.ACCESS_CONTROL_MAX_AGE, Long.toString(config.maxAgeS()));
        if (config.allowCredentials()) {
            headers.put(HttpHeader.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        }
        return true;
    }

    /** Adds the headers that let the page of {@code request}'s origin read the answer, when that origin is allowed. */
    void decorate(Request request, HttpFields.Mutable headers) {
        if (config == null) {
            return;
        }
        if (!config.anyOrigin()) {
            // The answer differs by Origin, so caches must keep them apart, allowed or not.
            headers.add(HttpHeader.VARY, "Origin");
        }
        String origin = allowed(request);
        if (origin == null) {
            return;
        }
        headers.put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.put(HttpHeader.ACCESS_CONTROL_EXPOSE_HEADERS, RESPONSE_HEADERS);
        if (config.allowCredentials()) {
            headers.put(HttpHeader.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        }
    }

    /** The Access-Control-Allow-Origin value for {@code request}'s origin, or null when it is not allowed. */
    private String allowed(Request request) {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin == null) {
            return null;
        }
        if (config.anyOrigin()) {
            return "*";
        }
        String normal = CorsConfig.origin(origin.strip().toLowerCase(Locale.ROOT));
        return normal != null && config.allowedOrigins().contains(normal) ? normal : null;
    }
}
