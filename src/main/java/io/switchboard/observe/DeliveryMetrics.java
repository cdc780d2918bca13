package io.switchboard.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.switchboard.deliver.DeliveryObserver;
import io.switchboard.deliver.DeliveryResult;
import io.switchboard.deliver.ErrorCategory;
import io.switchboard.deliver.Outcome;
import io.switchboard.dispatch.SelectionObserver;
import io.switchboard.dispatch.Worker;
import io.switchboard.message.Message;
import io.switchboard.route.Route;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Timers and counters of the delivery chain and the dispatchers. Meters are resolved once per label combination and
 * cached, so a request costs a few map lookups and lock-free increments, never a registry lookup by name.
 */
final class DeliveryMetrics implements DeliveryObserver, SelectionObserver {

    /** Error categories an attempt can end with, plus a breaker refusing a call; every worker gets each at zero. */
    static final ErrorCategory[] WORKER_ERRORS = {ErrorCategory.TIMEOUT, ErrorCategory.CONNECT, ErrorCategory.HTTP_5XX,
            ErrorCategory.HTTP_4XX, ErrorCategory.RATE_LIMITED, ErrorCategory.CIRCUIT_OPEN, ErrorCategory.INVALID_RESPONSE};

    private record Key(String a, String b, String c) {
    }

    private final MeterRegistry registry;
    private final Labels labels;
    private final Map<Key, Timer> selection = new ConcurrentHashMap<>();
    private final Map<Key, Timer> queueWait = new ConcurrentHashMap<>();
    private final Map<Key, Timer> attempts = new ConcurrentHashMap<>();
    private final Map<Key, Timer> endToEnd = new ConcurrentHashMap<>();
    private final Map<Key, Timer> overhead = new ConcurrentHashMap<>();
    private final Map<Key, Counter> received = new ConcurrentHashMap<>();
    private final Map<Key, Counter> routed = new ConcurrentHashMap<>();
    private final Map<Key, Counter> failed = new ConcurrentHashMap<>();
    private final Map<Key, Counter> retries = new ConcurrentHashMap<>();
    private final Map<Key, Counter> fallbacks = new ConcurrentHashMap<>();
    private final Map<Key, Counter> errors = new ConcurrentHashMap<>();

    DeliveryMetrics(MeterRegistry registry, Labels labels) {
        this.registry = registry;
        this.labels = labels;
        registerClasses();
    }

    /** Registers each class's received counter at zero, so its rate exists before its first message. */
    void registerClasses() {
        for (String c : labels.classNames()) {
            receivedCounter(c);
        }
    }

    // Meter builders read their labels from the key, so they capture nothing and a cache hit allocates only the key.
    private static final Function<Key, Timer.Builder> SELECTION = k -> Timer.builder("switchboard.selection")
            .description("Time to pick a worker for a message arriving at a pool")
            .tag("pool", k.a());
    private static final Function<Key, Timer.Builder> QUEUE_WAIT = k -> Timer.builder("switchboard.queue.wait")
            .description("Time a message waited for a free worker of a pool, near zero when one was free")
            .tag("pool", k.a()).tag("priority", k.b());
    private static final Function<Key, Timer.Builder> ATTEMPT = k -> Timer.builder("switchboard.delivery.attempt")
            .description("Duration of one delivery attempt to a worker")
            .tag("pool", k.a()).tag("worker", k.b()).tag("outcome", k.c());
    private static final Function<Key, Timer.Builder> END_TO_END = k -> Timer.builder("switchboard.end_to_end")
            .description("Time from accepting a message to the end of its delivery")
            .tag("class", k.a()).tag("pool", k.b()).tag("outcome", k.c());
    private static final Function<Key, Timer.Builder> OVERHEAD = k -> Timer.builder("switchboard.overhead")
            .description("The engine's own share of a message's time: end to end minus waiting on workers")
            .tag("pool", k.a());
    private static final Function<Key, Counter.Builder> RECEIVED = k -> Counter.builder("switchboard.messages.received")
            .description("Messages that entered delivery")
            .tag("class", k.a());
    private static final Function<Key, Counter.Builder> ROUTED = k -> Counter.builder("switchboard.messages.routed")
            .description("Messages a worker answered")
            .tag("class", k.a()).tag("pool", k.b());
    private static final Function<Key, Counter.Builder> FAILED = k -> Counter.builder("switchboard.messages.failed")
            .description("Messages that ended without an answer, by the reason of the last failure")
            .tag("class", k.a()).tag("pool", k.b()).tag("category", k.c());
    private static final Function<Key, Counter.Builder> RETRIES = k -> Counter.builder("switchboard.retries")
            .description("Attempts made again after a retryable failure in a pool")
            .tag("class", k.a()).tag("pool", k.b());
    private static final Function<Key, Counter.Builder> FALLBACKS = k -> Counter.builder("switchboard.fallbacks")
            .description("Messages that moved from their route's primary pool to its fallback pool")
            .tag("class", k.a()).tag("pool", k.b()).tag("fallback", k.c());
    private static final Function<Key, Counter.Builder> ERRORS = k -> Counter.builder("switchboard.errors")
            .description("Failed delivery attempts, and calls a circuit breaker refused, by category")
            .tag("pool", k.a()).tag("worker", k.b()).tag("category", k.c());

    // ---- hooks ----

    @Override
    public void selected(String pool, long nanos) {
        timer(selection, new Key(labels.pool(pool), null, null), SELECTION, Buckets.SELECTION)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void deliveryStarted(Message message, Route route) {
        receivedCounter(labels.className(message.className())).increment();
    }

    @Override
    public void workerWaitFinished(Message message, String pool, long waitNanos) {
        timer(queueWait, new Key(labels.pool(pool), Labels.priority(message.priority()), null), QUEUE_WAIT,
                Buckets.QUEUE_WAIT).record(waitNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void attemptFinished(Message message, int attempt, Worker worker, Outcome outcome, long durationNanos) {
        String p = labels.pool(worker.pool());
        String w = labels.worker(worker.id());
        String o = switch (outcome) {
            case Outcome.Delivered d -> "delivered";
            case Outcome.Retryable r -> {
                workerError(p, w, r.category()).increment();
                yield "retryable";
            }
            case Outcome.Fatal f -> {
                workerError(p, w, f.category()).increment();
                yield "fatal";
            }
        };
        timer(attempts, new Key(p, w, o), ATTEMPT, Buckets.DELIVERY).record(durationNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void fellBack(Message message, String fromPool, String toPool) {
        counter(fallbacks, new Key(labels.className(message.className()), labels.pool(fromPool), labels.pool(toPool)),
                FALLBACKS).increment();
    }

    @Override
    public void retrying(Message message, int nextAttempt, Worker worker, ErrorCategory cause) {
        counter(retries, new Key(labels.className(message.className()), labels.pool(worker.pool()), null), RETRIES)
                .increment();
    }

    @Override
    public void deliveryFinished(Message message, DeliveryResult result, long totalNanos, long waitingNanos) {
        String c = labels.className(message.className());
        String p;
        String o;
        switch (result) {
            case DeliveryResult.Success s -> {
                p = labels.pool(s.pool());
                o = "delivered";
                counter(routed, new Key(c, p, null), ROUTED).increment();
            }
            case DeliveryResult.Failure f -> {
                p = labels.pool(f.pool());
                o = switch (f.category()) {
                    case OVERLOAD, EXPIRED, NO_WORKER, SHUTDOWN -> "rejected";
                    default -> "failed";
                };
                counter(failed, new Key(c, p, f.category().label()), FAILED).increment();
            }
        }
        timer(endToEnd, new Key(c, p, o), END_TO_END, Buckets.DELIVERY).record(totalNanos, TimeUnit.NANOSECONDS);
        timer(overhead, new Key(p, null, null), OVERHEAD, Buckets.OVERHEAD)
                .record(Math.max(0, totalNanos - waitingNanos), TimeUnit.NANOSECONDS);
    }

    /** A worker's breaker refused a call: its circuit was open or its half-open probes were taken. */
    void callNotPermitted(Worker worker) {
        workerError(labels.pool(worker.pool()), labels.worker(worker.id()), ErrorCategory.CIRCUIT_OPEN).increment();
    }

    /** Registers every worker error series at zero, so rates exist before the first failure. */
    void registerWorker(Worker worker) {
        for (ErrorCategory c : WORKER_ERRORS) {
            workerError(labels.pool(worker.pool()), labels.worker(worker.id()), c);
        }
    }

    // ---- resolution ----

    private Counter receivedCounter(String c) {
        return counter(received, new Key(c, null, null), RECEIVED);
    }

    private Counter workerError(String p, String w, ErrorCategory category) {
        return counter(errors, new Key(p, w, category.label()), ERRORS);
    }

    private Timer timer(Map<Key, Timer> cache, Key key, Function<Key, Timer.Builder> builder, Duration[] buckets) {
        Timer t = cache.get(key);
        if (t == null) {
            t = cache.computeIfAbsent(key, k -> builder.apply(k).serviceLevelObjectives(buckets).register(registry));
        }
        return t;
    }

    private Counter counter(Map<Key, Counter> cache, Key key, Function<Key, Counter.Builder> builder) {
        Counter c = cache.get(key);
        if (c == null) {
            c = cache.computeIfAbsent(key, k -> builder.apply(k).register(registry));
        }
        return c;
    }
}
