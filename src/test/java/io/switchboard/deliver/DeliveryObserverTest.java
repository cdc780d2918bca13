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

import static org.assertj.core.api.Assertions.assertThat;

/** What the delivery chain tells its observer, in which order, and that an observer can never break a delivery. */
class DeliveryObserverTest {

    /** Starts just below the overflow point, so every duration the chain reports crosses it. */
    final FakeTicker ticker = FakeTicker.startingAt(Long.MAX_VALUE - Duration.ofMillis(10).toNanos());
    final List<String> events = new CopyOnWriteArrayList<>();

    private Worker worker(String id, String pool) {
        CircuitBreaker breaker = CircuitBreaker.of(id, CircuitBreakerConfig.custom().clock(ticker.asClock()).build());
        return new Worker(id, pool, URI.create("http://127.0.0.1:1/" + id), 1, 4, breaker, ticker,
                Duration.ofSeconds(30).toNanos());
    }

    /** Primary pool "p" with worker a (always 503), fallback pool "q" with worker b (answers); 30 ms per attempt. */
    private DeliveryChain chain(DeliveryObserver observer) {
        Worker a = worker("a", "p");
        Worker b = worker("b", "q");
        long aging = Duration.ofSeconds(2).toNanos();
        Map<String, PoolDispatcher> pools = Map.of(
                "p", new PoolDispatcher("p", WorkerSelector.roundRobin(List.of(a)), 10, aging, ticker),
                "q", new PoolDispatcher("q", WorkerSelector.roundRobin(List.of(b)), 10, aging, ticker));
        WorkerTransport transport = (worker, request, timeout) -> {
            ticker.advance(Duration.ofMillis(30));
            return worker.id().equals("a") ? new Outcome.Retryable(ErrorCategory.HTTP_5XX, "503", null)
                    : new Outcome.Delivered(200, "{}".getBytes());
        };
        return new DeliveryChain(pools, Map.of(), transport, new RetryBudget(new RetryBudgetConfig(1.0, 100), ticker),
                new Backoff(new BackoffConfig(0L, 0L, 1.0)), Duration.ofSeconds(5), 3, ticker, new SplittableRandom(1),
                observer);
    }

    private Message message() {
        long now = ticker.nanoTime();
        return new Message("m1", "r1", Envelope.ofText("hi"),
                new Classification("c", Priority.HIGH, Classification.Source.DEFAULT, List.of()), now,
                now + Duration.ofSeconds(10).toNanos());
    }

    private final DeliveryObserver recorder = new DeliveryObserver() {
        @Override
        public void attemptFinished(Message m, int attempt, Worker worker, Outcome outcome, long nanos) {
            events.add("attempt " + attempt + " " + worker.id() + " " + outcome.getClass().getSimpleName() + " "
                    + Duration.ofNanos(nanos).toMillis() + "ms");
        }

        @Override
        public void deliveryStarted(Message m, Route route) {
            events.add("started " + route.pool());
        }

        @Override
        public void workerWaitFinished(Message m, String pool, long waitNanos) {
            events.add("waited " + pool + " " + waitNanos + "ns");
        }

        @Override
        public void fellBack(Message m, String fromPool, String toPool) {
            events.add("fell back " + fromPool + "->" + toPool);
        }

        @Override
        public void retrying(Message m, int nextAttempt, Worker worker, ErrorCategory cause) {
            events.add("retrying " + nextAttempt + " after " + worker.id() + " " + cause.label());
        }

        @Override
        public void deliveryFinished(Message m, DeliveryResult result, long totalNanos, long waitingNanos) {
            events.add("finished " + result.getClass().getSimpleName() + " total " + Duration.ofNanos(totalNanos).toMillis()
                    + "ms waiting " + Duration.ofNanos(waitingNanos).toMillis() + "ms");
        }
    };

    @Test
    void observerHearsEveryStageInOrderAndWaitingOnWorkersIsSeparatedFromTheRest() throws Exception {
        DeliveryChain chain = chain(recorder);
        Message m = message();
        ticker.advance(Duration.ofMillis(2)); // the time before delivery (classification) belongs to the engine

        DeliveryResult result = chain.deliver(m, new Route("c", "p", "q"));

        assertThat(result).isInstanceOf(DeliveryResult.Success.class);
        assertThat(events).containsExactly(
                "started p",
                "waited p 0ns",
                "attempt 1 a Retryable 30ms",
                "retrying 2 after a http_5xx",
                "fell back p->q",
                "waited q 0ns",
                "attempt 2 b Delivered 30ms",
                "finished Success total 62ms waiting 60ms");
    }

    private final DeliveryObserver throwing = new DeliveryObserver() {
        @Override
        public void attemptFinished(Message m, int attempt, Worker worker, Outcome outcome, long nanos) {
            throw new IllegalStateException("attemptFinished");
        }

        @Override
        public void deliveryStarted(Message m, Route route) {
            throw new IllegalStateException("deliveryStarted");
        }

        @Override
        public void workerWaitFinished(Message m, String pool, long waitNanos) {
            throw new IllegalStateException("workerWaitFinished");
        }

        @Override
        public void fellBack(Message m, String fromPool, String toPool) {
            throw new IllegalStateException("fellBack");
        }

        @Override
        public void retrying(Message m, int nextAttempt, Worker worker, ErrorCategory cause) {
            throw new IllegalStateException("retrying");
        }

        @Override
        public void deliveryFinished(Message m, DeliveryResult result, long totalNanos, long waitingNanos) {
            throw new IllegalStateException("deliveryFinished");
        }
    };

    @Test
    void throwingObserverNeverBreaksDelivery() throws Exception {

        DeliveryResult result = chain(throwing).deliver(message(), new Route("c", "p", "q"));

        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Success.class, s -> {
            assertThat(s.worker()).isEqualTo("b");
            assertThat(s.attempts()).isEqualTo(2);
        });
    }

    @Test
    void aThrowingObserverDoesNotSilenceTheOthersItIsCombinedWith() throws Exception {
        DeliveryResult result = chain(DeliveryObserver.all(throwing, recorder)).deliver(message(), new Route("c", "p", "q"));

        assertThat(result).isInstanceOf(DeliveryResult.Success.class);
        assertThat(events).first().isEqualTo("started p");
        assertThat(events).contains("attempt 1 a Retryable 30ms", "retrying 2 after a http_5xx", "attempt 2 b Delivered 30ms");
        assertThat(events).last().asString().startsWith("finished Success");
    }
}
