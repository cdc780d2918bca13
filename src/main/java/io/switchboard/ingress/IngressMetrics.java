package io.switchboard.ingress;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** What an ingress tells the metrics and asks of them: requests it refused, and the exposition for a scrape. */
public interface IngressMetrics {

    /** Counts nothing and exposes an empty page. */
    IngressMetrics NONE = new IngressMetrics() {
        @Override
        public void rejected(Rejection reason) {
        }

        @Override
        public Exposition scrape(String accept) {
            return new Exposition("text/plain; version=0.0.4; charset=utf-8", "".getBytes(StandardCharsets.UTF_8));
        }
    };

    /** A request was refused for {@code reason}. Must be cheap and must not throw. */
    void rejected(Rejection reason);

    /** The metrics page in the best format the {@code Accept} header (may be null) allows. */
    Exposition scrape(String accept);

    /** A rendered metrics page and its media type. */
    record Exposition(String contentType, byte[] body) {
    }

    /** Why a request was refused; a bounded vocabulary, so it may label metrics. */
    enum Rejection {
        /** Too many requests in flight or a full queue (429). */
        OVERLOAD,
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
}
