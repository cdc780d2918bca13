package io.switchboard.deliver;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.switchboard.classify.Classification;
import io.switchboard.config.BackoffConfig;
import io.switchboard.config.RetryBudgetConfig;
import io.switchboard.dispatch.PoolDispatcher;
import io.switchboard.dispatch.Worker;
import io.switchboard.dispatch.WorkerSelector;
import io.switchboard.message.Envelope;
import io.switchboard.message.Message;
import io.switchboard.message.Priority;
import io.switchboard.route.Route;
import io.switchboard.testing.FakeTicker;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The order of the delivery layers (deadline → retry → circuit breaker → limiter → transport), shown by behaviour
 * that would differ under any other order. The transport here is scripted; the HTTP transport has its own tests.
 */
class DeliveryChainTest {

    final FakeTicker ticker = FakeTicker.create();

    /** What the transport saw at the moment of each send. */
    record Sent(String worker, int attempt, int inFlightAtSend, CircuitBreaker.State breakerAtSend) {
    }

    final List<Sent> sent = new CopyOnWriteArrayList<>();

    private Worker worker(String id, int maxConcurrency, int halfOpenCalls) {
        CircuitBreaker breaker = CircuitBreaker.of(id, CircuitBreakerConfig.custom()
                .slidingWindowSize(10).minimumNumberOfCalls(10)
                .permittedNumberOfCallsInHalfOpenState(halfOpenCalls)
                .waitDurationInOpenState(Duration.ofSeconds(30))
                .clock(ticker.asClock()).build());
        return new Worker(id, "p", URI.create("http://127.0.0.1:1/" + id), 1, maxConcurrency, breaker, ticker,
                Duration.ofSeconds(30).toNanos());
    }

    private DeliveryChain chain(Map<String, List<Worker>> pools, Function<Worker, Outcome> script, int maxAttempts,
                                RetryBudgetConfig budget) {
        Map<String, PoolDispatcher> dispatchers = new java.util.HashMap<>();
        pools.forEach((name, workers) -> dispatchers.put(name,
                new PoolDispatcher(name, WorkerSelector.roundRobin(workers), 100, Duration.ofSeconds(2).toNanos(), ticker)));
        WorkerTransport transport = (worker, request, timeout) -> {
            sent.add(new Sent(worker.id(), request.attempt(), worker.inFlight(), worker.breaker().getState()));
            return script.apply(worker);
        };
        return new DeliveryChain(dispatchers, Map.of(), transport, new RetryBudget(budget, ticker),
                new Backoff(new BackoffConfig(0L, 0L, 1.0)), Duration.ofSeconds(5), maxAttempts, ticker,
                new SplittableRandom(1), DeliveryObserver.NONE);
    }

    private Message message(Duration ttl) {
        long now = ticker.nanoTime();
        return new Message("m1", "r1", Envelope.ofText("hi"),
                new Classification("c", Priority.NORMAL, Classification.Source.DEFAULT, List.of()), now, now + ttl.toNanos());
    }

    private static final RetryBudgetConfig GENEROUS = new RetryBudgetConfig(1.0, 100);

    @Test
    void layersAreDeclaredInOneOrder() {
        assertThat(DeliveryChain.LAYERS).containsExactly("deadline", "retry", "circuit-breaker", "limiter", "transport");
    }

    @Test
    void retryWrapsTheBreakerSoEachAttemptIsRecordedOnItsOwnWorker() throws Exception {
        Worker a = worker("a", 4, 3);
        Worker b = worker("b", 4, 3);
        Worker c = worker("c", 4, 3);
        var chain = chain(Map.of("p", List.of(a, b, c)),
                w -> new Outcome.Retryable(ErrorCategory.HTTP_5XX, "503", null), 3, GENEROUS);

        DeliveryResult result = chain.deliver(message(Duration.ofSeconds(10)), new Route("c", "p", null));

        assertThat(result).isInstanceOf(DeliveryResult.Failure.class);
        assertThat(result.attempts()).isEqualTo(3);
        assertThat(sent).extracting(Sent::worker).containsExactly("a", "b", "c");
        for (Worker w : List.of(a, b, c)) {
            assertThat(w.breaker().getMetrics().getNumberOfFailedCalls()).as(w.id()).isEqualTo(1);
        }
    }

    @Test
    void limiterSlotIsHeldDuringTheTransportAndReturnedAfter() throws Exception {
        Worker a = worker("a", 1, 3);
        var chain = chain(Map.of("p", List.of(a)), w -> new Outcome.Delivered(200, "{}".getBytes()), 3, GENEROUS);

        var result = chain.deliver(message(Duration.ofSeconds(10)), new Route("c", "p", null));

        assertThat(result).isInstanceOf(DeliveryResult.Success.class);
        assertThat(sent.get(0).inFlightAtSend()).isEqualTo(1);
        assertThat(a.inFlight()).isZero();
    }

    @Test
    void breakerIsConsultedBeforeTheLimiterSoAFullWorkerDoesNotSpendHalfOpenProbes() {
        Worker a = worker("a", 1, 1);
        a.breaker().transitionToOpenState();
        ticker.advance(Duration.ofSeconds(31));
        assertThat(a.tryAcquire()).as("the single half-open probe").isTrue();

        // At its limit: the breaker grants nothing more in half-open, and no slot is taken either.
        assertThat(a.tryAcquire()).isFalse();
        assertThat(a.inFlight()).isEqualTo(1);
        a.breaker().onSuccess(1, java.util.concurrent.TimeUnit.MILLISECONDS);
        a.release();
        assertThat(a.breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void slotRefusalHandsBackTheBreakerPermission() {
        Worker a = worker("a", 1, 2);
        a.breaker().transitionToOpenState();
        ticker.advance(Duration.ofSeconds(31));
        assertThat(a.tryAcquire()).isTrue();

        assertThat(a.tryAcquire()).as("no free slot").isFalse();

        // The refused attempt gave its permit back, so the second probe is still available once a slot frees up.
        a.breaker().onSuccess(1, java.util.concurrent.TimeUnit.MILLISECONDS);
        a.release();
        assertThat(a.tryAcquire()).isTrue();
    }

    @Test
    void deadlineIsOutermostNoAttemptStartsAfterIt() throws Exception {
        Worker a = worker("a", 4, 3);
        Worker b = worker("b", 4, 3);
        var chain = chain(Map.of("p", List.of(a, b)), w -> {
            ticker.advance(Duration.ofMillis(600));
            return new Outcome.Retryable(ErrorCategory.TIMEOUT, "slow", null);
        }, 5, GENEROUS);

        DeliveryResult result = chain.deliver(message(Duration.ofSeconds(1)), new Route("c", "p", null));

        assertThat(result).isInstanceOf(DeliveryResult.Failure.class);
        assertThat(((DeliveryResult.Failure) result).category()).isEqualTo(ErrorCategory.EXPIRED);
        assertThat(sent).hasSize(2);
    }

    @Test
    void fatalOutcomeIsNeverRetried() throws Exception {
        Worker a = worker("a", 4, 3);
        Worker b = worker("b", 4, 3);
        var chain = chain(Map.of("p", List.of(a, b)), w -> new Outcome.Fatal(ErrorCategory.HTTP_4XX, 404, "404"), 3, GENEROUS);

        DeliveryResult result = chain.deliver(message(Duration.ofSeconds(10)), new Route("c", "p", null));

        assertThat(result.attempts()).isEqualTo(1);
        assertThat(a.breaker().getMetrics().getNumberOfSuccessfulCalls()).as("a 4xx means the worker is alive").isEqualTo(1);
    }

    @Test
    void fallbackPoolTakesOverWhenEveryPrimaryWorkerHasFailedTheMessage() throws Exception {
        Worker p1 = worker("p1", 4, 3);
        Worker f1 = worker("f1", 4, 3);
        var chain = chain(Map.of("primary", List.of(p1), "spare", List.of(f1)),
                w -> w == p1 ? new Outcome.Retryable(ErrorCategory.CONNECT, "refused", null)
                        : new Outcome.Delivered(200, "{}".getBytes()), 3, GENEROUS);

        DeliveryResult result = chain.deliver(message(Duration.ofSeconds(10)), new Route("c", "primary", "spare"));

        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Success.class, s -> {
            assertThat(s.pool()).isEqualTo("spare");
            assertThat(s.worker()).isEqualTo("f1");
            assertThat(s.attempts()).isEqualTo(2);
            assertThat(s.failures()).extracting(DeliveryResult.AttemptFailure::worker).containsExactly("p1");
        });
    }

    @Test
    void fallbackPoolIsUsedFirstWhenEveryPrimaryCircuitIsOpen() throws Exception {
        Worker p1 = worker("p1", 4, 3);
        Worker f1 = worker("f1", 4, 3);
        p1.breaker().transitionToOpenState();
        var chain = chain(Map.of("primary", List.of(p1), "spare", List.of(f1)),
                w -> new Outcome.Delivered(200, "{}".getBytes()), 3, GENEROUS);

        DeliveryResult result = chain.deliver(message(Duration.ofSeconds(10)), new Route("c", "primary", "spare"));

        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Success.class, s -> {
            assertThat(s.pool()).isEqualTo("spare");
            assertThat(s.attempts()).isEqualTo(1);
        });
    }

    @Test
    void spentRetryBudgetStopsRetriesEvenWithAttemptsLeft() throws Exception {
        Worker a = worker("a", 4, 3);
        var chain = chain(Map.of("p", List.of(a)), w -> new Outcome.Retryable(ErrorCategory.HTTP_5XX, "503", null), 5,
                new RetryBudgetConfig(0.0, 0));

        DeliveryResult result = chain.deliver(message(Duration.ofSeconds(10)), new Route("c", "p", null));

        assertThat(result.attempts()).isEqualTo(1);
        assertThat(((DeliveryResult.Failure) result).detail()).contains("retry budget");
    }

}
