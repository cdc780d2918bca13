package io.switchboard;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.switchboard.admission.ApiKeys;
import io.switchboard.admission.RateLimits;
import io.switchboard.classify.Classifier;
import io.switchboard.classify.RuleClassifier;
import io.switchboard.cluster.Cluster;
import io.switchboard.cluster.Membership;
import io.switchboard.cluster.RedisCluster;
import io.switchboard.complete.EventFormat;
import io.switchboard.complete.EventRelay;
import io.switchboard.complete.EventSink;
import io.switchboard.complete.SettlementPolicy;
import io.switchboard.complete.redis.RedisEventSink;
import io.switchboard.complete.webhook.WebhookSink;
import io.switchboard.config.EventSinkConfig;
import io.switchboard.config.IngressConfig;
import io.switchboard.config.StoreConfig;
import io.switchboard.config.CircuitBreakerSettings;
import io.switchboard.config.ConfigDigest;
import io.switchboard.config.ConfigSource;
import io.switchboard.config.PoolConfig;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.config.WorkerConfig;
import io.switchboard.deliver.Backoff;
import io.switchboard.deliver.DeliveryChain;
import io.switchboard.deliver.RetryBudget;
import io.switchboard.deliver.WorkerTransport;
import io.switchboard.deliver.http.HttpWorkerTransport;
import io.switchboard.dispatch.PoolDispatcher;
import io.switchboard.dispatch.Worker;
import io.switchboard.dispatch.WorkerSelector;
import io.switchboard.ingress.PullIngress;
import io.switchboard.ingress.Readiness;
import io.switchboard.ingress.http.HttpIngress;
import io.switchboard.ingress.redis.RedisListIngress;
import io.switchboard.ingress.redis.RedisStreamIngress;
import io.switchboard.observe.EngineMetrics;
import io.switchboard.observe.LiveStats;
import io.switchboard.observe.alert.AlertEvaluator;
import io.switchboard.message.Ids;
import io.switchboard.route.RoutingTable;
import io.switchboard.store.Store;
import io.switchboard.store.StoreUnavailableException;
import io.switchboard.store.StoredMessage;
import io.switchboard.store.redis.RedisStore;
import io.switchboard.store.sqlite.SqliteStore;
import io.switchboard.time.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * The engine assembled from a configuration: the one place where stages and adapters are wired together, and the
 * owner of the lifecycle (start, drain, stop).
 */
public final class Switchboard implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Switchboard.class);
    /** How often waiting messages are re-examined for expiry and for circuits that may now admit probes. */
    private static final long TICK_MILLIS = 50;

    private enum State { CREATED, RUNNING, DRAINING, STOPPED }

    private final SwitchboardConfig config;
    private final Ticker ticker;
    private final Rulebook rules;
    private final ConfigReload reload;
    private final Map<String, PoolDispatcher> pools;
    private final WorkerTransport transport;
    private final Pipeline pipeline;
    private final Store store;
    private final AsyncPipeline async;
    private final EventRelay relay;
    private final List<PullIngress> ingresses = new ArrayList<>();
    private final HttpIngress ingress;
    private final EngineMetrics metrics;
    private final LiveStats live;
    private final ScheduledExecutorService ticks;
    private final AlertEvaluator alerts;
    private final Cluster cluster;
    private volatile String instance;
    private final AtomicReference<State> state = new AtomicReference<>(State.CREATED);

    private Switchboard(SwitchboardConfig config, ConfigSource source, Ticker ticker, RandomGenerator random,
                        Function<List<Worker>, WorkerTransport> transportFactory) {
        this.config = config;
        this.ticker = ticker;
        this.metrics = EngineMetrics.create(config, ticker);

        Map<String, PoolDispatcher> dispatchers = new LinkedHashMap<>();
        Map<String, String> hashKeys = new LinkedHashMap<>();
        List<Worker> allWorkers = new ArrayList<>();
        for (var entry : config.pools().entrySet()) {
            String poolName = entry.getKey();
            PoolConfig pool = entry.getValue();
            List<Worker> workers = new ArrayList<>();
            for (WorkerConfig wc : pool.workers()) {
                workers.add(worker(poolName, wc, config.circuitBreaker(), ticker));
            }
            allWorkers.addAll(workers);
            WorkerSelector selector = WorkerSelector.forStrategy(pool.strategy(), List.copyOf(workers), random);
            PoolDispatcher dispatcher = new PoolDispatcher(poolName, selector, config.queue().capacity(),
                    TimeUnit.MILLISECONDS.toNanos(config.queue().agingMs()), ticker, metrics.selectionObserver());
            metrics.bindPool(dispatcher);
            dispatchers.put(poolName, dispatcher);
            if (pool.hashKey() != null) {
                hashKeys.put(poolName, pool.hashKey());
            }
        }
        this.pools = Map.copyOf(dispatchers);
        String engine = engineId(config, ticker);
        this.cluster = clusterFor(config, engine, List.copyOf(allWorkers), metrics);
        metrics.bindCluster(cluster);
        this.rules = new Rulebook(edition(config, null));
        metrics.bindRules(rules);
        this.reload = new ConfigReload(source, rules, this::edition, metrics.reloadObserver());
        this.live = LiveStats.create(config, dispatchers, this::readiness, ticker);
        this.transport = transportFactory.apply(List.copyOf(allWorkers));
        var delivery = config.delivery();
        DeliveryChain chain = new DeliveryChain(pools, hashKeys, transport, new RetryBudget(delivery.retryBudget(), ticker),
                new Backoff(delivery.backoff()), Duration.ofMillis(delivery.timeoutMs()), delivery.maxAttempts(), ticker,
                random, live.observing(metrics.deliveryObserver()));
        this.pipeline = new Pipeline(rules, chain, ticker, config.queue().defaultTtlMs(),
                config.logging().slowRequestMs(), config.logging().includeContent());
        List<String> sinks = config.eventSinkNames();
        this.store = openStore(config, engine, ticker, sinks, metrics);
        metrics.bindStore(store, sinks);
        live.bindStore(store);
        var policy = new SettlementPolicy(delivery.maxAttempts(), new Backoff(delivery.backoff()), random);
        // A round may use every attempt with its full timeout and the longest backoff between them; then the message
        // goes back to the queue instead of holding its slot until its deadline.
        long round = (delivery.timeoutMs() + delivery.backoff().maxMs()) * delivery.maxAttempts();
        this.async = new AsyncPipeline(pipeline, rules, chain, store, pools, policy, config.store(), round, ticker,
                metrics.asyncObserver());
        this.relay = new EventRelay(store, eventRoutes(config, sinks), ticker, metrics.eventObserver());
        long maxItemBytes = config.server().maxBodyBytes();
        for (IngressConfig ic : config.ingress()) {
            Runnable reconnected = metrics.redisReconnects("ingress");
            ingresses.add("redis-stream".equals(ic.type())
                    ? new RedisStreamIngress(ic, host(), async, maxItemBytes, ticker, reconnected)
                    : new RedisListIngress(ic, host(), async, maxItemBytes, ticker, reconnected));
        }
        this.ingress = new HttpIngress(config.server(), rules, reload, pipeline, async, pools,
                this::readiness, metrics.ingress(), live, ticker);
        this.ticks = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("switchboard-tick").daemon().factory());
        this.alerts = AlertEvaluator.create(config.alerts(), metrics.registry(), ticker, this::instance);
    }

    /** Builds the engine with the system clock, real randomness and HTTP workers. Nothing listens until {@link #start()}. */
    public static Switchboard create(SwitchboardConfig config) {
        return create(config, null);
    }

    /**
     * As {@link #create(SwitchboardConfig)}, for {@code config} as read from {@code source}, which a reload
     * ({@code POST /v1/admin/reload}, SIGHUP under {@code serve}) reads again; null for a configuration in memory.
     */
    public static Switchboard create(SwitchboardConfig config, ConfigSource source) {
        return create(config, source, Ticker.system(), ThreadLocalRandom.current());
    }

    public static Switchboard create(SwitchboardConfig config, Ticker ticker, RandomGenerator random) {
        return create(config, null, ticker, random);
    }

    public static Switchboard create(SwitchboardConfig config, ConfigSource source, Ticker ticker,
                                     RandomGenerator random) {
        return new Switchboard(config, source, ticker, random,
                workers -> HttpWorkerTransport.start(workers, Duration.ofMillis(Math.min(5_000, config.delivery().timeoutMs())),
                        config.delivery().tls()));
    }

    /**
     * The rules {@code next} describes, carrying on the rate limits of {@code previous} (null at start).
     *
     * @throws io.switchboard.config.InvalidValueException when a class's rules do not compile
     */
    private Rulebook.Edition edition(SwitchboardConfig next, Rulebook.Edition previous) {
        RuleClassifier classifier = Classifier.fromConfig(next);
        RoutingTable routes = RoutingTable.of(next.routes(), next.defaultClass());
        if (previous != null) {
            metrics.rulesChanged(next);
        }
        return new Rulebook.Edition(previous == null ? 1 : previous.version() + 1, next, ConfigDigest.of(next),
                classifier, metrics.timed(classifier), routes, next.auth(),
                ApiKeys.of(next.auth(), previous == null ? null : previous.keys()),
                RateLimits.of(next.routes(), ticker, cluster::instances, previous == null ? null : previous.limits()),
                ticker.currentTimeMillis());
    }

    private static Store openStore(SwitchboardConfig config, String engine, Ticker ticker, List<String> sinks,
                                   EngineMetrics metrics) {
        StoreConfig sc = config.store();
        Map<String, EventFormat> formats = new LinkedHashMap<>();
        for (int i = 0; i < sinks.size(); i++) {
            EventSinkConfig e = config.events().get(i);
            var when = EventFormat.When.valueOf(e.when().toUpperCase(java.util.Locale.ROOT));
            formats.put(sinks.get(i), EventFormat.of(when, e.template()));
        }
        BiFunction<String, StoredMessage, byte[]> events = (sink, m) -> formats.get(sink).format(m);
        Duration writeTimeout = Duration.ofMillis(sc.writeTimeoutMs());
        if ("redis".equals(sc.type())) {
            var settings = new RedisStore.Settings(sc.uri(), sc.keyPrefix(), engine, sc.maxMessages(), writeTimeout,
                    sc.retentionMs(), sc.idempotencyWindowMs(), sc.instanceTimeoutMs());
            return RedisStore.open(settings, ticker, sinks, events, metrics.storeCommitObserver(),
                    metrics.redisReconnects("store"));
        }
        var settings = new SqliteStore.Settings(Path.of(sc.path()), sc.fsync(), sc.maxMessages(), writeTimeout,
                sc.retentionMs(), sc.idempotencyWindowMs());
        try {
            return SqliteStore.open(settings, ticker, sinks, events, metrics.storeCommitObserver());
        } catch (StoreUnavailableException e) {
            throw new IllegalStateException("store: " + e.getMessage(), e);
        }
    }

    /**
     * What this engine shares with the other instances on the same Redis: nothing unless the store is Redis, then
     * circuit openings and each worker's share of {@code max_concurrency}.
     */
    static Cluster clusterFor(SwitchboardConfig config, String engine, List<Worker> workers, EngineMetrics metrics) {
        StoreConfig sc = config.store();
        if (!"redis".equals(sc.type())) {
            return Cluster.LOCAL;
        }
        return new RedisCluster(sc.uri(), sc.keyPrefix(), engine, workers, Membership.LIVENESS,
                metrics.redisReconnects("cluster"));
    }

    /** This engine's name among those sharing a Redis store: {@code store.instance_id}, else host and a random part. */
    private static String engineId(SwitchboardConfig config, Ticker ticker) {
        String configured = config.store().instanceId();
        return configured != null ? configured : host() + "-" + Ids.newTraceId(ticker.currentTimeMillis()).substring(20);
    }

    private static List<EventRelay.Route> eventRoutes(SwitchboardConfig config, List<String> names) {
        List<EventRelay.Route> routes = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            EventSinkConfig e = config.events().get(i);
            EventSink sink = switch (e.type()) {
                case "webhook" -> WebhookSink.create(names.get(i), e.uri(), Duration.ofMillis(e.timeoutMs()));
                case "redis-pubsub" -> RedisEventSink.pubSub(names.get(i), e.uri(), e.channel(),
                        Duration.ofMillis(e.timeoutMs()));
                case "redis-list" -> RedisEventSink.list(names.get(i), e.uri(), e.key(),
                        Duration.ofMillis(e.timeoutMs()));
                case "redis-stream" -> RedisEventSink.stream(names.get(i), e.uri(), e.key(), e.maxLen(),
                        Duration.ofMillis(e.timeoutMs()));
                default -> EventSink.log(names.get(i));
            };
            routes.add(new EventRelay.Route(sink, e.maxAgeMs()));
        }
        return routes;
    }

    private static Worker worker(String pool, WorkerConfig wc, CircuitBreakerSettings cb, Ticker ticker) {
        CircuitBreakerConfig breakerConfig = CircuitBreakerConfig.custom()
                // Lock-free window: every attempt records into it, and a synchronized one would serialise workers'
                // completions (and pin virtual threads on JDK 21-23).
                .slidingWindow(cb.windowSize(), cb.minimumCalls(), CircuitBreakerConfig.SlidingWindowType.COUNT_BASED,
                        CircuitBreakerConfig.SlidingWindowSynchronizationStrategy.LOCK_FREE)
                .failureRateThreshold(cb.failureRateThreshold().floatValue())
                .waitDurationInOpenState(Duration.ofMillis(cb.openMs()))
                .permittedNumberOfCallsInHalfOpenState(cb.halfOpenCalls())
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .clock(ticker.asClock())
                .build();
        CircuitBreaker breaker = CircuitBreaker.of(wc.id(), breakerConfig);
        breaker.getEventPublisher().onStateTransition(e -> LOG.atWarn()
                .addKeyValue("event", "circuit_state_changed")
                .addKeyValue("pool", pool)
                .addKeyValue("worker", wc.id())
                .addKeyValue("from", e.getStateTransition().getFromState().name().toLowerCase())
                .addKeyValue("to", e.getStateTransition().getToState().name().toLowerCase())
                .log("circuit {} for worker {}", e.getStateTransition().getToState().name().toLowerCase(), wc.id()));
        Worker worker = new Worker(wc.id(), pool, wc.uri(), wc.weight(), wc.maxConcurrency(), breaker, ticker,
                TimeUnit.MILLISECONDS.toNanos(cb.openMs()));
        if (wc.maxRequestsPerSecond() != null) {
            worker.rateLimit(wc.maxRequestsPerSecond(), wc.burst());
        }
        return worker;
    }

    /** Starts listening. */
    public Switchboard start() throws Exception {
        if (state.get() != State.CREATED) {
            throw new IllegalStateException("already started");
        }
        try {
            ticks.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
            cluster.start();
            async.start();
            relay.start();
            ingresses.forEach(PullIngress::start);
            ingress.start();
        } catch (Exception e) {
            close();
            throw e;
        }
        if (!state.compareAndSet(State.CREATED, State.RUNNING)) {
            throw new IllegalStateException("closed while starting");
        }
        alerts.start();
        if (!config.auth().enabled()) {
            LOG.atWarn().addKeyValue("event", "auth_disabled").log("authentication is off (auth.mode: disabled): "
                    + "every endpoint is open to anyone who can reach port {}", ingress.port());
        }
        LOG.atInfo().addKeyValue("event", "engine_started").addKeyValue("port", ingress.port())
                .addKeyValue("pools", pools.keySet()).log("switchboard ready on port {}", ingress.port());
        return this;
    }

    private void tick() {
        for (PoolDispatcher p : pools.values()) {
            try {
                p.purgeExpired();
                p.onCapacity();
            } catch (RuntimeException e) {
                LOG.warn("periodic queue check failed for pool {}", p.name(), e);
            }
        }
    }

    public int port() {
        return ingress.port();
    }

    /** The port of the admin listener ({@code server.admin_port}), or -1 when there is none. */
    public int adminPort() {
        return ingress.adminPort();
    }

    public Pipeline pipeline() {
        return pipeline;
    }

    /** The asynchronous path: stored messages, their delivery and the dead-letter queue. */
    public AsyncPipeline async() {
        return async;
    }

    public Map<String, PoolDispatcher> pools() {
        return pools;
    }

    /** The configuration in force: the one the engine started with, or the last one a reload applied. */
    public SwitchboardConfig config() {
        return rules.current().config();
    }

    /** Reads the configuration again and applies what may change while running; see {@link ConfigReload}. */
    public ConfigReload.Outcome reload() {
        return reload.reload();
    }

    /** The engine's metrics, as {@code GET /metrics} serves them. */
    public EngineMetrics metrics() {
        return metrics;
    }

    /** The engine's own alerting: the alerts firing now, and an evaluation on demand. */
    public AlertEvaluator alerts() {
        return alerts;
    }

    /** This machine's name: {@code HOSTNAME}, else what the resolver says, else "localhost". */
    private static String host() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "localhost";
            }
        }
        return host;
    }

    /** {@code host:port} of this engine, as alert payloads name it; resolved on first use, off the start path. */
    private String instance() {
        String known = instance;
        if (known == null) {
            known = host() + ":" + ingress.port();
            instance = known;
        }
        return known;
    }

    /** Ready when running and every required pool has a worker whose circuit admits calls. */
    public Readiness.Report readiness() {
        return switch (state.get()) {
            case CREATED -> new Readiness.Report(false, "starting", List.of("the engine is starting"));
            case DRAINING, STOPPED -> new Readiness.Report(false, "draining", List.of("the engine is shutting down"));
            case RUNNING -> {
                List<String> reasons = new ArrayList<>();
                for (var e : pools.entrySet()) {
                    if (config.pools().get(e.getKey()).required() && !e.getValue().hasHealthyWorker()) {
                        reasons.add("pool '" + e.getKey() + "' has no usable worker (every circuit is open, or every "
                                + "worker is drained)");
                    }
                }
                boolean ready = reasons.isEmpty();
                if (!store.healthy()) {
                    // Routing does not need the store: the engine stays in rotation, and says what is missing.
                    reasons.add("the " + config.store().type() + " store is failing; asynchronous submissions get "
                            + "503 and stored messages wait, synchronous routing goes on");
                }
                yield reasons.isEmpty() ? new Readiness.Report(true, "ready", List.of())
                        : new Readiness.Report(ready, "degraded", reasons);
            }
        };
    }

    /**
     * Graceful shutdown: readiness turns 503 and new requests are refused at once, in-flight ones may finish within
     * {@code server.drain_timeout_ms}, then waiting messages are refused and everything stops.
     */
    @Override
    public void close() {
        State before = state.getAndUpdate(s -> s == State.STOPPED ? s : State.DRAINING);
        if (before == State.DRAINING || before == State.STOPPED) {
            return;
        }
        long started = System.nanoTime();
        Duration drain = Duration.ofMillis(config.server().drainTimeoutMs());
        LOG.atInfo().addKeyValue("event", "drain_started").addKeyValue("in_flight", ingress.inFlight())
                .addKeyValue("drain_timeout_ms", drain.toMillis()).log("draining");
        ingress.startDraining();
        ingresses.forEach(PullIngress::close);
        async.stopClaiming();
        boolean drained;
        try {
            drained = ingress.awaitDrained(drain);
            drained &= async.awaitIdle(Duration.ofNanos(Math.max(0, drain.toNanos() - (System.nanoTime() - started))));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drained = false;
        }
        LOG.atInfo().addKeyValue("event", drained ? "drain_completed" : "drain_timed_out")
                .addKeyValue("in_flight", ingress.inFlight())
                .addKeyValue("duration_ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
                .log(drained ? "drained" : "drain timed out; refusing what is left");
        pools.values().forEach(PoolDispatcher::close);
        try {
            // Deliveries refused by the closing pools settle back into the queue; give them a moment to write it.
            async.awaitIdle(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        async.close();
        relay.close();
        // Left after the drain: the others' shares grow only once this instance's attempts are done.
        cluster.close();
        ticks.shutdownNow();
        alerts.close();
        try {
            ingress.close();
        } catch (Exception e) {
            LOG.warn("listener did not stop cleanly", e);
        }
        transport.close();
        store.close();
        metrics.close();
        state.set(State.STOPPED);
        LOG.atInfo().addKeyValue("event", "engine_stopped").log("stopped");
    }
}
