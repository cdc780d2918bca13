package io.switchboard.observe;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.switchboard.dispatch.PoolDispatcher;
import io.switchboard.dispatch.Worker;
import io.switchboard.ingress.EngineStatus;
import io.switchboard.ingress.Readiness;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Renders {@code GET /v1/health/details}: readiness with the per pool and per worker detail behind it. */
final class HealthView {

    private HealthView() {
    }

    record Details(String status, boolean ready, List<PoolHealth> pools, Store store) {
    }

    record PoolHealth(String name, boolean required, boolean usable, boolean paused, int waiting,
                      List<WorkerHealth> workers) {
    }

    record WorkerHealth(String id, String circuit,
                        @JsonProperty("in_flight") int inFlight,
                        @JsonProperty("max_concurrency") int maxConcurrency,
                        @JsonProperty("concurrency_limit") int concurrencyLimit,
                        @JsonProperty("rate_limit") Double rateLimit,
                        @JsonProperty("error_rate") Double errorRate,
                        @JsonProperty("p95_ms") Double p95Ms,
                        @JsonProperty("last_success") String lastSuccess,
                        boolean healthy, boolean draining) {
    }

    /** The store of asynchronous messages: whether it writes, what it holds, and events waiting per sink. */
    record Store(String type, boolean healthy, Map<String, Long> messages,
                 @JsonProperty("pending_events") Map<String, Long> pendingEvents) {
    }

    static EngineStatus.View render(LiveStats live) {
        Readiness.Report r = live.readiness.check();
        List<PoolHealth> pools = new ArrayList<>();
        for (var e : live.pools.entrySet()) {
            PoolDispatcher p = e.getValue();
            List<WorkerHealth> workers = p.workers().stream().map(w -> worker(live, w)).toList();
            pools.add(new PoolHealth(e.getKey(), live.config.pools().get(e.getKey()).required(), p.hasHealthyWorker(),
                    p.paused(), p.waiting(), workers));
        }
        return new EngineStatus.View(r.ready(), new Details(r.status(), r.ready(), pools, store(live)));
    }

    static Store store(LiveStats live) {
        io.switchboard.store.Store s = live.store();
        Map<String, Long> messages = new LinkedHashMap<>();
        if (s == null) {
            return new Store(live.config.store().type(), false, messages, Map.of());
        }
        s.counts().forEach((status, n) -> messages.put(status.label(), n));
        return new Store(live.config.store().type(), s.healthy(), messages, s.pendingEvents());
    }

    private static WorkerHealth worker(LiveStats live, Worker w) {
        WorkerStats s = live.statsOf(w);
        long last = s.lastSuccessMillis();
        return new WorkerHealth(w.id(), circuit(w.breaker().getState()), w.inFlight(), w.maxConcurrency(),
                w.concurrencyLimit(), w.rateLimit() == 0 ? null : Rounding.perSecond(w.rateLimit()), errorRate(w),
                s.p95Millis(),
                last == 0 ? null : Instant.ofEpochMilli(last).toString(), w.circuitAdmits(), w.draining());
    }

    /** The failure share of the breaker's window, or null while it holds fewer than its minimum calls. */
    static Double errorRate(Worker w) {
        float rate = w.breaker().getMetrics().getFailureRate();
        return rate < 0 ? null : Rounding.share(rate / 100.0);
    }

    static String circuit(CircuitBreaker.State state) {
        return state.name().toLowerCase(Locale.ROOT);
    }
}
