package io.switchboard.observe;

import io.switchboard.config.RouteConfig;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.deliver.DeliveryObserver;
import io.switchboard.deliver.DeliveryResult;
import io.switchboard.deliver.Outcome;
import io.switchboard.dispatch.PoolDispatcher;
import io.switchboard.dispatch.Worker;
import io.switchboard.ingress.EngineStatus;
import io.switchboard.ingress.Readiness;
import io.switchboard.message.Message;
import io.switchboard.time.Ticker;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The engine's live figures for people and monitor scripts, kept in the engine rather than scraped from /metrics:
 * health per pool and worker ({@code GET /v1/health/details}) and the dashboard's statistics ({@code GET /v1/stats}),
 * fed by the delivery chain's hooks and read from the dispatchers and circuit breakers.
 */
public final class LiveStats implements EngineStatus {

    /** A route as the dashboard shows it: the message's class and the pool where its delivery ended. */
    record RouteKey(String className, String pool) {
    }

    /** Messages of one route. */
    static final class RouteStats {
        final LongAdder requests = new LongAdder();
        final LongAdder delivered = new LongAdder();
        final LatencyRing latency = new LatencyRing();
    }

    final SwitchboardConfig config;
    final Map<String, PoolDispatcher> pools;
    final Readiness readiness;
    final Ticker ticker;
    final long startNanos;
    final Map<Worker, WorkerStats> workers;
    final TimeSeries series;
    final RecentFailures failures = new RecentFailures();
    final LongAdder requests = new LongAdder();
    final LongAdder errors = new LongAdder();
    final Map<RouteKey, RouteStats> routes = new ConcurrentHashMap<>();
    private final DeliveryObserver observer = new Observer();
    private volatile io.switchboard.store.Store store;

    private LiveStats(SwitchboardConfig config, Map<String, PoolDispatcher> pools, Readiness readiness, Ticker ticker) {
        this.config = config;
        this.pools = new LinkedHashMap<>(pools);
        this.readiness = readiness;
        this.ticker = ticker;
        this.startNanos = ticker.nanoTime();
        this.series = new TimeSeries(startNanos);
        Map<Worker, WorkerStats> byWorker = new IdentityHashMap<>();
        for (PoolDispatcher p : pools.values()) {
            for (Worker w : p.workers()) {
                byWorker.put(w, new WorkerStats());
            }
        }
        this.workers = byWorker;
        for (RouteConfig r : config.routes()) {
            routes.put(new RouteKey(r.className(), r.pool()), new RouteStats());
        }
    }

    /**
     * Live figures for the engine {@code config} describes.
     *
     * @param pools     the engine's dispatchers by pool name, in the configuration's order
     * @param readiness the engine's readiness, which the health view and the dashboard's banner repeat
     */
    public static LiveStats create(SwitchboardConfig config, Map<String, PoolDispatcher> pools, Readiness readiness,
                                   Ticker ticker) {
        return new LiveStats(config, pools, readiness, ticker);
    }

    /** Shows {@code store}'s health and contents in the health view. */
    public void bindStore(io.switchboard.store.Store store) {
        this.store = store;
    }

    io.switchboard.store.Store store() {
        return store;
    }

    /** An observer that feeds these figures and also tells {@code alongside} (the metrics) everything. */
    public DeliveryObserver observing(DeliveryObserver alongside) {
        return DeliveryObserver.all(alongside, observer);
    }

    @Override
    public View healthDetails() {
        return HealthView.render(this);
    }

    @Override
    public View stats() {
        return StatsView.render(this);
    }

    WorkerStats statsOf(Worker w) {
        return workers.get(w);
    }

    private final class Observer implements DeliveryObserver {

        @Override
        public void attemptFinished(Message message, int attempt, Worker worker, Outcome outcome, long durationNanos) {
            WorkerStats s = workers.get(worker);
            if (s == null) {
                return;
            }
            if (outcome instanceof Outcome.Delivered) {
                s.delivered(durationNanos, ticker.currentTimeMillis());
            } else {
                s.failed();
            }
        }

        @Override
        public void deliveryFinished(Message message, DeliveryResult result, long totalNanos, long waitingNanos) {
            requests.increment();
            boolean failed = result instanceof DeliveryResult.Failure;
            if (failed) {
                errors.increment();
            }
            series.record(ticker.nanoTime(), failed, totalNanos);
            String pool = switch (result) {
                case DeliveryResult.Success s -> s.pool();
                case DeliveryResult.Failure f -> f.pool();
            };
            RouteStats r = routes.computeIfAbsent(new RouteKey(message.className(), pool), k -> new RouteStats());
            r.requests.increment();
            if (result instanceof DeliveryResult.Failure f) {
                failures.add(new RecentFailures.Entry(ticker.currentTimeMillis(), message.requestId(), message.id(),
                        message.className(), f.pool(), f.worker(), f.category().label(), f.detail()));
            } else {
                r.delivered.increment();
                r.latency.record(totalNanos);
            }
        }
    }
}
