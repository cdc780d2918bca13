package io.switchboard.observe;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.switchboard.dispatch.PoolDispatcher;
import io.switchboard.dispatch.Worker;
import io.switchboard.ingress.EngineStatus;
import io.switchboard.ingress.Readiness;
import io.switchboard.message.Priority;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Renders {@code GET /v1/stats}: everything the dashboard draws, computed in the engine, no client-side state. */
final class StatsView {

    /** The "recent" window of rates and percentiles: five slots of two seconds. */
    static final int RECENT_SLOTS = 5;

    private StatsView() {
    }

    record Stats(String status, boolean ready, List<String> reasons, String version,
                 @JsonProperty("uptime_seconds") double uptimeSeconds,
                 String time,
                 Totals totals,
                 Rates recent,
                 @JsonProperty("since_start") Rates sinceStart,
                 Latency latency,
                 History history,
                 List<RouteRow> routes,
                 List<WorkerRow> workers,
                 List<QueueRow> queues,
                 HealthView.Store store,
                 @JsonProperty("recent_failures") List<FailureRow> recentFailures) {
    }

    /** Messages that entered delivery, and how many ended without an answer. */
    record Totals(long requests, long delivered, long failed) {
    }

    record Rates(@JsonProperty("window_seconds") double windowSeconds,
                 long requests,
                 @JsonProperty("requests_per_second") double requestsPerSecond,
                 @JsonProperty("error_rate") Double errorRate) {
    }

    /** End-to-end latency of delivered messages in the recent window, in milliseconds. */
    record Latency(@JsonProperty("window_seconds") double windowSeconds,
                   @JsonProperty("p50_ms") Double p50, @JsonProperty("p95_ms") Double p95,
                   @JsonProperty("p99_ms") Double p99) {
    }

    record History(@JsonProperty("resolution_seconds") double resolutionSeconds, List<Point> points) {
    }

    /** One finished slot; {@code t} is the epoch millisecond at which it ended. */
    record Point(long t,
                 @JsonProperty("requests_per_second") double requestsPerSecond,
                 @JsonProperty("error_rate") Double errorRate,
                 @JsonProperty("p50_ms") Double p50, @JsonProperty("p95_ms") Double p95,
                 @JsonProperty("p99_ms") Double p99) {
    }

    record RouteRow(@JsonProperty("class") String className, String pool, long requests, long delivered,
                    long failed, @JsonProperty("success_rate") Double successRate,
                    @JsonProperty("p95_ms") Double p95) {
    }

    record WorkerRow(String pool, String id, String circuit, boolean healthy,
                     @JsonProperty("in_flight") int inFlight,
                     @JsonProperty("max_concurrency") int maxConcurrency,
                     @JsonProperty("concurrency_limit") int concurrencyLimit,
                     long attempts,
                     @JsonProperty("success_rate") Double successRate,
                     @JsonProperty("error_rate") Double errorRate,
                     @JsonProperty("p95_ms") Double p95,
                     @JsonProperty("last_success") String lastSuccess) {
    }

    record QueueRow(String pool, int capacity, int total, Map<String, Integer> depth) {
    }

    record FailureRow(String time, @JsonProperty("request_id") String requestId,
                      @JsonProperty("message_id") String messageId,
                      @JsonProperty("class") String className, String pool, String worker, String category,
                      String detail) {
    }

    static EngineStatus.View render(LiveStats live) {
        long now = live.ticker.nanoTime();
        long nowMillis = live.ticker.currentTimeMillis();
        long uptime = Math.max(0, now - live.startNanos);
        Readiness.Report r = live.readiness.check();

        long requests = live.requests.sum();
        long failed = live.errors.sum();
        TimeSeries.Window recent = live.series.recent(now, RECENT_SLOTS);
        double uptimeSeconds = uptime / 1e9;
        Rates recentRates = new Rates(round1(recent.spanNanos() / 1e9), recent.count(), recent.perSecond(),
                recent.errorRate());
        Rates sinceStart = new Rates(round1(uptimeSeconds), requests,
                Rounding.perSecond(requests / Math.max(1e-9, uptimeSeconds)),
                requests == 0 ? null : Rounding.share((double) failed / requests));
        Latency latency = new Latency(round1(recent.spanNanos() / 1e9), recent.percentileMillis(0.50),
                recent.percentileMillis(0.95), recent.percentileMillis(0.99));

        List<Point> points = new ArrayList<>();
        for (TimeSeries.Point p : live.series.history(now)) {
            TimeSeries.Window w = p.window();
            points.add(new Point(nowMillis - TimeUnit.NANOSECONDS.toMillis(p.endedNanosAgo()), w.perSecond(),
                    w.errorRate(), w.percentileMillis(0.50), w.percentileMillis(0.95), w.percentileMillis(0.99)));
        }

        return new EngineStatus.View(true, new Stats(r.status(), r.ready(), r.reasons(), EngineMetrics.version(),
                round1(uptimeSeconds), Instant.ofEpochMilli(nowMillis).toString(),
                new Totals(requests, requests - failed, failed), recentRates, sinceStart, latency,
                new History(TimeSeries.SLOT_NANOS / 1e9, points), routes(live), workers(live), queues(live),
                HealthView.store(live), failures(live)));
    }

    private static List<RouteRow> routes(LiveStats live) {
        List<RouteRow> rows = new ArrayList<>();
        for (var e : live.routes.entrySet()) {
            long n = e.getValue().requests.sum();
            long ok = e.getValue().delivered.sum();
            rows.add(new RouteRow(e.getKey().className(), e.getKey().pool(), n, ok, n - ok,
                    n == 0 ? null : Rounding.share((double) ok / n), e.getValue().latency.percentileMillis(0.95)));
        }
        rows.sort(Comparator.comparing(RouteRow::className).thenComparing(RouteRow::pool));
        return rows;
    }

    private static List<WorkerRow> workers(LiveStats live) {
        List<WorkerRow> rows = new ArrayList<>();
        for (PoolDispatcher p : live.pools.values()) {
            for (Worker w : p.workers()) {
                WorkerStats s = live.statsOf(w);
                long attempts = s.attempts();
                long last = s.lastSuccessMillis();
                rows.add(new WorkerRow(p.name(), w.id(), HealthView.circuit(w.breaker().getState()), w.circuitAdmits(),
                        w.inFlight(), w.maxConcurrency(), w.concurrencyLimit(), attempts,
                        attempts == 0 ? null : Rounding.share((double) s.deliveredCount() / attempts),
                        HealthView.errorRate(w), s.p95Millis(), last == 0 ? null : Instant.ofEpochMilli(last).toString()));
            }
        }
        return rows;
    }

    private static List<QueueRow> queues(LiveStats live) {
        List<QueueRow> rows = new ArrayList<>();
        Priority[] priorities = Priority.ordered();
        for (PoolDispatcher p : live.pools.values()) {
            int[] sizes = p.waitingByPriority();
            Map<String, Integer> depth = new LinkedHashMap<>();
            int total = 0;
            for (int i = 0; i < priorities.length; i++) {
                depth.put(priorities[i].name().toLowerCase(Locale.ROOT), sizes[i]);
                total += sizes[i];
            }
            rows.add(new QueueRow(p.name(), live.config.queue().capacity(), total, depth));
        }
        return rows;
    }

    private static List<FailureRow> failures(LiveStats live) {
        return live.failures.newestFirst().stream()
                .map(f -> new FailureRow(Instant.ofEpochMilli(f.epochMillis()).toString(), f.requestId(), f.messageId(),
                        f.className(), f.pool(), f.worker(), f.category(), f.detail()))
                .toList();
    }

    private static double round1(double seconds) {
        return Math.round(seconds * 10) / 10.0;
    }
}
