package io.switchboard.observe;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.ConfigReload;
import io.switchboard.Rulebook;
import io.switchboard.classify.Classifier;
import io.switchboard.cluster.Cluster;
import io.switchboard.config.ApiKeyConfig;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.deliver.DeliveryObserver;
import io.switchboard.dispatch.PoolDispatcher;
import io.switchboard.dispatch.SelectionObserver;
import io.switchboard.dispatch.Worker;
import io.switchboard.ingress.IngressMetrics;
import io.switchboard.message.Priority;
import io.switchboard.time.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The engine's metrics: one Prometheus registry holding the pipeline's timers, counters and gauges, JVM and process
 * metrics and the build info, and the hooks the stages report through. Label values are bounded by the
 * configuration (see docs/metrics.md), so the number of series is known when the engine starts and grows only
 * with the classes and keys a reload adds.
 */
public final class EngineMetrics implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EngineMetrics.class);

    private final PrometheusMeterRegistry registry;
    private final Ticker ticker;
    private final Labels labels;
    private final DeliveryMetrics delivery;
    private final HttpMetrics http;
    private final StoreMetrics store;
    private final JvmGcMetrics gc;
    private final int queueCapacity;

    private EngineMetrics(SwitchboardConfig config, Ticker ticker) {
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.ticker = ticker;
        this.labels = Labels.of(config);
        this.queueCapacity = config.queue().capacity();
        registry.config().meterFilter(PromtoolClean.FILTER);
        new JvmMemoryMetrics().bindTo(registry);
        this.gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        PromtoolClean.bindProcessCpuSeconds(registry);
        Gauge.builder("switchboard.build.info", () -> 1)
                .description("Always 1; the labels say which build is running")
                .tag("version", version())
                .tag("java_version", System.getProperty("java.version", "unknown"))
                .register(registry);
        this.delivery = new DeliveryMetrics(registry, labels);
        this.http = new HttpMetrics(registry, keyNames(config));
        this.store = new StoreMetrics(registry, labels, config.pools().keySet(), config.eventSinkNames());
    }

    /** A registry for the engine {@code config} describes; pools are added with {@link #bindPool}. */
    public static EngineMetrics create(SwitchboardConfig config, Ticker ticker) {
        return new EngineMetrics(config, ticker);
    }

    /** The version in the jar's manifest, or "development" when running from classes. */
    static String version() {
        String v = EngineMetrics.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Hears the delivery chain: attempts, waits, retries, fallbacks, outcomes, end to end and overhead. */
    public DeliveryObserver deliveryObserver() {
        return delivery;
    }

    /** Hears the dispatchers' worker selection times. */
    public SelectionObserver selectionObserver() {
        return delivery;
    }

    /** Hears asynchronous submissions and settlements. */
    public io.switchboard.AsyncPipeline.Observer asyncObserver() {
        return store;
    }

    /** Hears completion events being sent, failing or dropped. */
    public io.switchboard.complete.EventRelay.Observer eventObserver() {
        return store;
    }

    /** Hears each store commit's duration in nanoseconds. */
    public java.util.function.LongConsumer storeCommitObserver() {
        return store.commitObserver();
    }

    /** Adds the gauges over the store's contents: messages by status, pending events per sink, health. */
    public void bindStore(io.switchboard.store.Store s, java.util.List<String> sinks) {
        store.bind(s, sinks);
    }

    /** Adds the gauge of the live engine instances that share the workers' {@code max_concurrency}. */
    public void bindCluster(Cluster cluster) {
        Gauge.builder("switchboard.cluster.instances", cluster, Cluster::instances)
                .description("Live engine instances sharing each worker's max_concurrency, this one included")
                .strongReference(true).register(registry);
    }

    /** Counts the reconnects of one component's connection to Redis after an outage; run the hook once for each. */
    public Runnable redisReconnects(String component) {
        Counter counter = Counter.builder("switchboard.redis.reconnects")
                .description("Connections to Redis re-established after an outage, by component")
                .tag("component", component)
                .register(registry);
        return counter::increment;
    }

    /** Counts refused requests and renders the page for {@code GET /metrics}. */
    public IngressMetrics ingress() {
        return http;
    }

    /** {@code classifier}, timing each classification. */
    public Classifier timed(Classifier classifier) {
        return new TimedClassifier(classifier, ticker, labels, registry);
    }

    /**
     * Adds the meters over the rules in force: the counter of regex searches stopped at their work bound (by every
     * classifier the engine has used), and the configuration's version and the time it was loaded.
     */
    public void bindRules(Rulebook rules) {
        FunctionCounter.builder("switchboard.classification.regex.stopped", rules,
                        Rulebook::regexSearchesStopped)
                .description("Regex searches of classification rules stopped at their work bound, counted as no match")
                .register(registry);
        Gauge.builder("switchboard.config.version", rules, r -> r.current().version())
                .description("Version of the configuration in force: 1 at start, one more for each reload that "
                        + "changed it")
                .strongReference(true).register(registry);
        Gauge.builder("switchboard.config.loaded.timestamp.seconds", rules, r -> r.current().loadedAt() / 1000.0)
                .description("When the configuration in force was loaded, seconds since the epoch")
                .strongReference(true).register(registry);
    }

    /** Makes the classes and API keys of a reloaded {@code config} label values, beside those of earlier editions. */
    public void rulesChanged(SwitchboardConfig config) {
        labels.addClasses(config);
        http.addKeys(keyNames(config));
        delivery.registerClasses();
    }

    /** The API key names that label {@code switchboard_auth_total}: none when authentication is off. */
    private static List<String> keyNames(SwitchboardConfig config) {
        return config.auth().enabled() ? config.auth().keys().stream().map(ApiKeyConfig::name).toList() : List.of();
    }

    /**
     * Counts configuration reloads by outcome ({@code applied}, {@code unchanged}, {@code invalid}...), and says
     * whether the last one left the engine running what its file says.
     */
    public Consumer<ConfigReload.Outcome> reloadObserver() {
        Map<String, Counter> byOutcome = new ConcurrentHashMap<>();
        for (String outcome : ConfigReload.Outcome.LABELS) {
            byOutcome.put(outcome, reloadCounter(outcome));
        }
        AtomicInteger lastSuccessful = new AtomicInteger(1);
        Gauge.builder("switchboard.config.last.reload.successful", lastSuccessful, AtomicInteger::get)
                .description("1 when the last reload applied the file (or found it unchanged) or none was asked for; "
                        + "0 when it was refused and the file says something the engine does not run")
                .strongReference(true).register(registry);
        return o -> {
            lastSuccessful.set(o.accepted() ? 1 : 0);
            byOutcome.computeIfAbsent(o.label(), this::reloadCounter).increment();
        };
    }

    private Counter reloadCounter(String outcome) {
        return Counter.builder("switchboard.config.reloads")
                .description("Configuration reloads asked for, by outcome; only applied ones changed anything")
                .tag("outcome", outcome)
                .register(registry);
    }

    /** Adds the gauges of a pool and its workers: queue depth, in flight, circuit state, health; and breaker refusals. */
    public void bindPool(PoolDispatcher pool) {
        String p = labels.pool(pool.name());
        Priority[] priorities = Priority.ordered();
        for (int i = 0; i < priorities.length; i++) {
            int level = i;
            Gauge.builder("switchboard.queue.depth", pool, d -> d.waitingByPriority()[level])
                    .description("Messages waiting for a worker of a pool, by priority")
                    .tag("pool", p).tag("priority", Labels.priority(priorities[i]))
                    .strongReference(true)
                    .register(registry);
        }
        Gauge.builder("switchboard.queue.capacity", () -> queueCapacity)
                .description("Messages a pool's queue holds before it sheds or refuses")
                .tag("pool", p)
                .register(registry);
        for (Worker w : pool.workers()) {
            bindWorker(p, w);
        }
    }

    private void bindWorker(String pool, Worker worker) {
        String id = labels.worker(worker.id());
        Gauge.builder("switchboard.worker.in_flight", worker, Worker::inFlight)
                .description("Attempts a worker is serving now")
                .tag("pool", pool).tag("worker", id).strongReference(true).register(registry);
        Gauge.builder("switchboard.worker.max_concurrency", worker, Worker::maxConcurrency)
                .description("Attempts a worker may serve at once, across all engine instances")
                .tag("pool", pool).tag("worker", id).strongReference(true).register(registry);
        Gauge.builder("switchboard.worker.concurrency_limit", worker, Worker::concurrencyLimit)
                .description("Attempts this engine instance may send a worker at once: its share of max_concurrency")
                .tag("pool", pool).tag("worker", id).strongReference(true).register(registry);
        Gauge.builder("switchboard.worker.circuit_state", worker, w -> circuitState(w.breaker().getState()))
                .description("A worker's circuit: 0 closed, 1 open, 2 half-open, 3 forced open, 4 disabled, 5 metrics only")
                .tag("pool", pool).tag("worker", id).strongReference(true).register(registry);
        Gauge.builder("switchboard.worker.healthy", worker, w -> w.circuitAdmits() ? 1 : 0)
                .description("1 when a worker's circuit lets calls through (closed, half-open, or open long enough to probe)")
                .tag("pool", pool).tag("worker", id).strongReference(true).register(registry);
        delivery.registerWorker(worker);
        worker.breaker().getEventPublisher().onCallNotPermitted(e -> {
            try {
                delivery.callNotPermitted(worker);
            } catch (RuntimeException ex) {
                LOG.warn("circuit metrics failed; ignoring", ex);
            }
        });
    }

    /** The circuit-state encoding documented in docs/metrics.md. */
    static int circuitState(CircuitBreaker.State state) {
        return switch (state) {
            case CLOSED -> 0;
            case OPEN -> 1;
            case HALF_OPEN -> 2;
            case FORCED_OPEN -> 3;
            case DISABLED -> 4;
            case METRICS_ONLY -> 5;
        };
    }

    /** Renders the Prometheus text page, as {@code GET /metrics} serves it. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
