package io.switchboard.deliver;

import io.switchboard.dispatch.Acquisition;
import io.switchboard.dispatch.PoolDispatcher;
import io.switchboard.dispatch.SelectionContext;
import io.switchboard.dispatch.Worker;
import io.switchboard.message.Message;
import io.switchboard.route.Route;
import io.switchboard.time.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Delivers one message, attempt after attempt. This class is the one place that fixes the order of the layers
 * around a delivery, outermost first:
 *
 * <ol>
 *   <li><b>deadline</b> — the message's deadline bounds every wait and attempt below; nothing is sent after it;</li>
 *   <li><b>retry</b> — retryable outcomes only, exponential backoff with full jitter (or the worker's
 *       {@code Retry-After}), a different worker when there is one, the fallback pool once the primary is
 *       exhausted, and the {@link RetryBudget};</li>
 *   <li><b>circuit breaker</b> — a per-worker permission, taken when the worker is acquired;</li>
 *   <li><b>limiter</b> — a per-worker concurrency slot, taken after the breaker permission (queueing if none);</li>
 *   <li><b>transport</b> — one exchange with the per-attempt timeout.</li>
 * </ol>
 *
 * Each attempt's outcome is recorded in that worker's breaker, so a retried message counts once per attempt.
 */
public final class DeliveryChain {

    /** The layers in order, outermost first; documentation and tests refer to this list. */
    public static final List<String> LAYERS = List.of("deadline", "retry", "circuit-breaker", "limiter", "transport");

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryChain.class);

    private final Map<String, PoolDispatcher> pools;
    private final Map<String, String> hashKeyByPool;
    private final WorkerTransport transport;
    private final RetryBudget budget;
    private final Backoff backoff;
    private final long attemptTimeoutNanos;
    private final int maxAttempts;
    private final Ticker ticker;
    private final RandomGenerator random;
    private final DeliveryObserver observer;

    public DeliveryChain(Map<String, PoolDispatcher> pools, Map<String, String> hashKeyByPool, WorkerTransport transport,
                         RetryBudget budget, Backoff backoff, Duration attemptTimeout, int maxAttempts, Ticker ticker,
                         RandomGenerator random, DeliveryObserver observer) {
        this.pools = Map.copyOf(pools);
        this.hashKeyByPool = Map.copyOf(hashKeyByPool);
        this.transport = transport;
        this.budget = budget;
        this.backoff = backoff;
        this.attemptTimeoutNanos = attemptTimeout.toNanos();
        this.maxAttempts = maxAttempts;
        this.ticker = ticker;
        this.random = random;
        this.observer = GuardedObserver.of(observer);
    }

    /** Delivers {@code message} along {@code route}; blocking, bounded by the message's deadline. */
    public DeliveryResult deliver(Message message, Route route) throws InterruptedException {
        return deliver(message, route, new StageTimes());
    }

    /** As {@link #deliver(Message, Route)}, recording where the time went into {@code times}. */
    public DeliveryResult deliver(Message message, Route route, StageTimes times) throws InterruptedException {
        return deliver(message, route, times, 0, AttemptListener.NONE);
    }

    /** Hears each attempt just before it is sent, so a caller can remember attempts across restarts. */
    @FunctionalInterface
    public interface AttemptListener {
        AttemptListener NONE = (attempt, worker) -> { };

        /** Attempt {@code attempt} (counted from the first attempt of the first round) is about to go to {@code worker}. */
        void attemptStarting(int attempt, Worker worker);
    }

    /**
     * A further delivery round of a message that already had {@code priorAttempts} attempts: attempts are numbered on
     * from there and {@code max_attempts} counts them too.
     */
    public DeliveryResult deliver(Message message, Route route, StageTimes times, int priorAttempts,
                                  AttemptListener listener) throws InterruptedException {
        observer.deliveryStarted(message, route);
        DeliveryResult result = run(message, route, times, priorAttempts, listener);
        long waited = times.queueWaitNanos + times.workerNanos + times.backoffNanos;
        observer.deliveryFinished(message, result, ticker.nanoTime() - message.acceptedNanos(), waited);
        return result;
    }

    private DeliveryResult run(Message message, Route route, StageTimes times, int priorAttempts,
                               AttemptListener listener) throws InterruptedException {
        List<DeliveryResult.AttemptFailure> failures = new ArrayList<>(0);
        Set<Worker> tried = Set.of();
        String pool = route.pool();
        String lastWorker = null;
        int attempts = priorAttempts;
        boolean fellBack = false;
        budget.deposit();
        while (true) {
            // deadline
            if (message.isExpired(ticker.nanoTime())) {
                return failure(ErrorCategory.EXPIRED, "deadline passed before delivery", pool, lastWorker, attempts, failures);
            }
            // retry: pick the pool for this attempt
            pool = poolFor(route, tried);
            if (!fellBack && !pool.equals(route.pool())) {
                fellBack = true;
                observer.fellBack(message, route.pool(), pool);
            }
            PoolDispatcher dispatcher = pools.get(pool);
            String hashKey = hashKeyByPool.get(pool);
            var context = new SelectionContext(hashKey == null ? null : message.envelope().metadata().get(hashKey), tried);
            // circuit breaker, then limiter (inside Worker.tryAcquire, in that order)
            long asked = ticker.nanoTime();
            Acquisition acquisition = dispatcher.acquire(message, context);
            long now = ticker.nanoTime();
            times.queueWaitNanos += now - asked;
            observer.workerWaitFinished(message, pool, now - asked);
            if (acquisition instanceof Acquisition.Refused refused) {
                return refusal(refused.reason(), pool, lastWorker, attempts, failures);
            }
            Worker worker = ((Acquisition.Acquired) acquisition).worker();
            if (message.isExpired(now)) {
                worker.breaker().releasePermission();
                worker.release();
                return failure(ErrorCategory.EXPIRED, "deadline passed while waiting for a worker", pool, lastWorker,
                        attempts, failures);
            }
            attempts++;
            lastWorker = worker.id();
            tried = with(tried, worker);
            try {
                listener.attemptStarting(attempts, worker);
            } catch (RuntimeException e) {
                LOG.warn("attempt listener failed for worker {}", worker.id(), e);
            }
            // transport
            long timeout = Math.min(attemptTimeoutNanos, message.remainingNanos(now));
            Outcome outcome = send(worker, new AttemptRequest(message, attempts), timeout);
            long took = ticker.nanoTime() - now;
            times.workerNanos += took;
            record(worker, outcome, took);
            logAttempt(attempts, pool, worker, outcome, took);
            worker.release();
            observer.attemptFinished(message, attempts, worker, outcome, took);

            switch (outcome) {
                case Outcome.Delivered d -> {
                    return new DeliveryResult.Success(pool, worker.id(), attempts, d.body(), failures);
                }
                case Outcome.Fatal f -> {
                    failures.add(new DeliveryResult.AttemptFailure(attempts, pool, worker.id(), f.category(), f.detail()));
                    return failure(f.category(), f.detail(), pool, worker.id(), attempts, failures);
                }
                case Outcome.Retryable r -> {
                    failures.add(new DeliveryResult.AttemptFailure(attempts, pool, worker.id(), r.category(), r.detail()));
                    if (message.isExpired(ticker.nanoTime())) {
                        return failure(ErrorCategory.EXPIRED, "deadline passed during attempt " + attempts + " ("
                                + r.detail() + ")", pool, worker.id(), attempts, failures);
                    }
                    if (attempts >= maxAttempts) {
                        return failure(r.category(), "failed after " + attempts + " attempts; last: " + r.detail(),
                                pool, worker.id(), attempts, failures);
                    }
                    if (!budget.tryWithdraw()) {
                        return failure(r.category(), "retry budget exhausted after " + attempts + " attempts; last: "
                                + r.detail(), pool, worker.id(), attempts, failures);
                    }
                    long delay = backoff.delayNanos(attempts + 1, random);
                    if (r.retryAfter() != null) {
                        delay = Math.max(delay, r.retryAfter().toNanos());
                    }
                    if (delay >= message.remainingNanos(ticker.nanoTime())) {
                        return failure(r.category(), "no time left before the deadline for attempt " + (attempts + 1)
                                + "; last: " + r.detail(), pool, worker.id(), attempts, failures);
                    }
                    observer.retrying(message, attempts + 1, worker, r.category());
                    if (delay > 0) {
                        TimeUnit.NANOSECONDS.sleep(delay);
                        times.backoffNanos += delay;
                    }
                }
            }
        }
    }

    /** The set plus one worker; most messages try one or two workers, so small immutable sets do. */
    private static Set<Worker> with(Set<Worker> set, Worker w) {
        return switch (set.size()) {
            case 0 -> Set.of(w);
            case 1 -> set.contains(w) ? set : Set.of(set.iterator().next(), w);
            default -> {
                Set<Worker> bigger = new HashSet<>(set);
                bigger.add(w);
                yield bigger;
            }
        };
    }

    /** Failed attempts at INFO (each is worth knowing about), successful ones at DEBUG; the MDC carries the ids. */
    private static void logAttempt(int attempt, String pool, Worker worker, Outcome outcome, long tookNanos) {
        var event = switch (outcome) {
            case Outcome.Delivered d -> LOG.atDebug().addKeyValue("outcome", "delivered");
            case Outcome.Retryable r -> LOG.atInfo().addKeyValue("outcome", "retryable")
                    .addKeyValue("error_category", r.category().label()).addKeyValue("error", r.detail());
            case Outcome.Fatal f -> LOG.atInfo().addKeyValue("outcome", "fatal")
                    .addKeyValue("error_category", f.category().label()).addKeyValue("error", f.detail());
        };
        event.addKeyValue("event", "attempt")
                .addKeyValue("attempt", attempt)
                .addKeyValue("pool", pool)
                .addKeyValue("worker", worker.id())
                .addKeyValue("duration_ms", TimeUnit.NANOSECONDS.toMillis(tookNanos))
                .log("attempt {} on {}", attempt, worker.id());
    }

    private Outcome send(Worker worker, AttemptRequest request, long timeoutNanos) {
        try {
            return transport.send(worker, request, Duration.ofNanos(timeoutNanos));
        } catch (RuntimeException e) {
            // A transport must turn worker failures into outcomes; reaching here is a bug, kept from killing the request.
            LOG.warn("transport failed unexpectedly for worker {}", worker.id(), e);
            return new Outcome.Retryable(ErrorCategory.CONNECT, "transport error: " + e, null);
        }
    }

    /** Feeds the outcome to the worker's breaker (it holds a permission from acquisition) and latency estimate. */
    private static void record(Worker worker, Outcome outcome, long tookNanos) {
        var breaker = worker.breaker();
        switch (outcome) {
            case Outcome.Delivered d -> {
                breaker.onSuccess(tookNanos, TimeUnit.NANOSECONDS);
                worker.recordLatency(tookNanos);
            }
            // A worker that answers 4xx is alive and judging the request, not failing.
            case Outcome.Fatal f when f.category() == ErrorCategory.HTTP_4XX -> breaker.onSuccess(tookNanos, TimeUnit.NANOSECONDS);
            case Outcome.Fatal f -> breaker.onError(tookNanos, TimeUnit.NANOSECONDS, WorkerFailure.of(f.category()));
            // Rate limiting is the worker protecting itself; it neither proves nor disproves health.
            case Outcome.Retryable r when r.category() == ErrorCategory.RATE_LIMITED -> breaker.releasePermission();
            case Outcome.Retryable r -> breaker.onError(tookNanos, TimeUnit.NANOSECONDS, WorkerFailure.of(r.category()));
        }
    }

    private String poolFor(Route route, Set<Worker> tried) {
        if (route.fallback() != null && exhausted(pools.get(route.pool()), tried)) {
            return route.fallback();
        }
        return route.pool();
    }

    /** A pool is exhausted for a message when every worker has either failed it already or has an open circuit. */
    private static boolean exhausted(PoolDispatcher pool, Set<Worker> tried) {
        for (Worker w : pool.workers()) {
            if (!tried.contains(w) && w.circuitAdmits()) {
                return false;
            }
        }
        return true;
    }

    private DeliveryResult refusal(Acquisition.Reason reason, String pool, String lastWorker, int attempts,
                                   List<DeliveryResult.AttemptFailure> failures) {
        return switch (reason) {
            case OVERLOAD -> failure(ErrorCategory.OVERLOAD, "pool '" + pool + "' queue is full", pool, lastWorker,
                    attempts, failures);
            case EXPIRED -> failure(ErrorCategory.EXPIRED, "deadline passed while waiting for a free worker in pool '"
                    + pool + "'", pool, lastWorker, attempts, failures);
            case NO_WORKER -> failure(ErrorCategory.NO_WORKER, "no healthy worker in pool '" + pool
                    + "' before the deadline", pool, lastWorker, attempts, failures);
            case SHUTDOWN -> failure(ErrorCategory.SHUTDOWN, "engine is shutting down", pool, lastWorker, attempts, failures);
        };
    }

    private static DeliveryResult.Failure failure(ErrorCategory category, String detail, String pool, String worker,
                                                  int attempts, List<DeliveryResult.AttemptFailure> failures) {
        return new DeliveryResult.Failure(category, detail, pool, worker, attempts, 0, failures);
    }
}
