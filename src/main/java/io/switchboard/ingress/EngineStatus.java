package io.switchboard.ingress;

import java.util.Map;

/** The engine's account of itself beyond readiness: health per pool and worker, and the dashboard's statistics. */
public interface EngineStatus {

    /** Knows nothing: health details answer 503 and the statistics are empty. */
    EngineStatus NONE = new EngineStatus() {
        @Override
        public View healthDetails() {
            return new View(false, Map.of("status", "unknown", "ready", false));
        }

        @Override
        public View stats() {
            return new View(true, Map.of());
        }
    };

    /** For {@code GET /v1/health/details}; not {@code ok} answers 503. */
    View healthDetails();

    /** For {@code GET /v1/stats}. */
    View stats();

    /**
     * One rendered view.
     *
     * @param ok   whether the answer is 200 (else 503)
     * @param body a value the JSON mapper serialises as it is
     */
    record View(boolean ok, Object body) {
    }
}
