package io.switchboard.ingress;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What an ingress tells the metrics and asks of them: requests it refused, how API keys fared, and the exposition for
 * a scrape.
 */
public interface IngressMetrics {

    /** The key label of requests that sent no API key, and of those whose key matches none. */
    String NO_KEY = "none";
    String UNKNOWN_KEY = "unknown";

    /** Counts nothing and exposes an empty page. */
    IngressMetrics NONE = new IngressMetrics() {
        @Override
        public void rejected(Rejection reason) {
        }

        @Override
        public void authenticated(String key, AuthOutcome outcome) {
        }

        @Override
        public Exposition scrape(String accept) {
            return new Exposition("text/plain; version=0.0.4; charset=utf-8", "".getBytes(StandardCharsets.UTF_8));
        }
    };

    /** A request was refused for {@code reason}. Must be cheap and must not throw. */
    void rejected(Rejection reason);

    /**
     * A request that needed an API key was judged: {@code key} is the configured key's name, {@link #UNKNOWN_KEY} for
     * a key that matches none, {@link #NO_KEY} when no key was sent. Must be cheap and must not throw.
     */
    void authenticated(String key, AuthOutcome outcome);

    /** The metrics page in the best format the {@code Accept} header (may be null) allows. */
    Exposition scrape(String accept);

    /** A rendered metrics page and its media type. */
    record Exposition(String contentType, byte[] body) {
    }

    /** Why a request was refused; a bounded vocabulary, so it may label metrics. */
    enum Rejection {
        /** Too many requests in flight or a full queue (429). */
        OVERLOAD,
        /** Beyond an API key's or a route's rate limit (429). */
        RATE_LIMITED,
        /** The deadline passed before a worker answered (504). */
        EXPIRED,
        /** The request itself was unacceptable: unreadable, too slow, too large, not JSON, invalid fields (400/408/413/415/422). */
        INVALID,
        /** No healthy worker before the deadline (503). */
        NO_WORKER,
        /** The engine is draining or stopping (503). */
        SHUTDOWN,
        /** An asynchronous submission the store could not take: full, slow or failing (503). */
        STORE;

        /** The lower-case name used as a metric label. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How a request's API key fared; a bounded vocabulary, so it may label metrics. */
    enum AuthOutcome {
        /** A known key with the scope the endpoint needs. */
        ACCEPTED,
        /** No key, or an unknown one (401). */
        UNAUTHORIZED,
        /** A known key without the scope (403). */
        FORBIDDEN;

        /** The lower-case name used as a metric label. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
