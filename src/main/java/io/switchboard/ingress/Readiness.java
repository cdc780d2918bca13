package io.switchboard.ingress;

import java.util.List;

/** Whether the engine should receive traffic now, and if not, why. */
public interface Readiness {

    Report check();

    /**
     * @param ready   true when traffic is welcome
     * @param status  a one-word state: starting, ready, draining, degraded
     * @param reasons why it is not ready (empty when ready)
     */
    record Report(boolean ready, String status, List<String> reasons) {
        public Report {
            reasons = List.copyOf(reasons);
        }
    }
}
