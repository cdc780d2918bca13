package io.switchboard.dispatch;

import io.switchboard.classify.Classification;
import io.switchboard.message.Envelope;
import io.switchboard.message.Message;
import io.switchboard.message.Priority;
import io.switchboard.testing.FakeTicker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class PoolDispatcherTest {

    final FakeTicker ticker = FakeTicker.create();
    final WorkerFixture fixture = new WorkerFixture(ticker);

    private Message message(Priority priority, Duration ttl) {
        long now = ticker.nanoTime();
        return new Message("m-" + priority + "-" + System.nanoTime(), "r", Envelope.ofText("x"),
                new Classification("c", priority, Classification.Source.DEFAULT, List.of()), now, now + ttl.toNanos());
    }

    private PoolDispatcher dispatcher(Worker... workers) {
        return new PoolDispatcher("p", WorkerSelector.roundRobin(List.of(workers)), 100,
                Duration.ofSeconds(10).toNanos(), ticker);
    }

    private static Worker acquired(Acquisition a) {
        assertThat(a).isInstanceOf(Acquisition.Acquired.class);
        return ((Acquisition.Acquired) a).worker();
    }

    @Test
    void freeWorkerIsHandedOutAtOnce() throws Exception {
        Worker w = fixture.worker("a", 1, 1);
        PoolDispatcher d = dispatcher(w);

        assertThat(acquired(d.acquire(message(Priority.NORMAL, Duration.ofSeconds(5)), SelectionContext.none()))).isSameAs(w);
        assertThat(w.inFlight()).isEqualTo(1);
    }

    @Test
    void waitingMessageGetsTheWorkerWhenItIsReleased() throws Exception {
        Worker w = fixture.worker("a", 1, 1);
        PoolDispatcher d = dispatcher(w);
        acquired(d.acquire(message(Priority.NORMAL, Duration.ofSeconds(5)), SelectionContext.none()));

        var waiting = CompletableFuture.supplyAsync(() -> acquireQuietly(d, message(Priority.NORMAL, Duration.ofSeconds(30))));
        await().atMost(5, TimeUnit.SECONDS).until(() -> d.waiting() == 1);
        assertThat(waiting).isNotDone();

        w.release();

        assertThat(acquired(waiting.get(5, TimeUnit.SECONDS))).isSameAs(w);
        assertThat(d.waiting()).isZero();
    }

    @Test
    void underContentionTheMostUrgentWaiterIsServedFirst() throws Exception {
        Worker w = fixture.worker("a", 1, 1);
        PoolDispatcher d = dispatcher(w);
        acquired(d.acquire(message(Priority.NORMAL, Duration.ofSeconds(5)), SelectionContext.none()));
        List<Priority> served = new CopyOnWriteArrayList<>();
        List<CompletableFuture<Void>> waiters = new java.util.ArrayList<>();
        for (Priority p : new Priority[] {Priority.LOW, Priority.NORMAL, Priority.CRITICAL, Priority.HIGH}) {
            int before = d.waiting();
            waiters.add(CompletableFuture.runAsync(() -> {
                Worker got = acquired(acquireQuietly(d, message(p, Duration.ofSeconds(30))));
                served.add(p);
                got.release();
            }));
            await().atMost(5, TimeUnit.SECONDS).until(() -> d.waiting() == before + 1);
        }

        w.release();
        CompletableFuture.allOf(waiters.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

        assertThat(served).containsExactly(Priority.CRITICAL, Priority.HIGH, Priority.NORMAL, Priority.LOW);
    }

    @Test
    void expiredWaiterIsRefusedAndNeverHandedAWorker() throws Exception {
        Worker w = fixture.worker("a", 1, 1);
        PoolDispatcher d = dispatcher(w);
        acquired(d.acquire(message(Priority.NORMAL, Duration.ofSeconds(5)), SelectionContext.none()));
        var waiting = CompletableFuture.supplyAsync(() -> acquireQuietly(d, message(Priority.HIGH, Duration.ofSeconds(1))));
        await().atMost(5, TimeUnit.SECONDS).until(() -> d.waiting() == 1);

        ticker.advance(Duration.ofSeconds(2));
        w.release();

        assertThat(waiting.get(5, TimeUnit.SECONDS)).isEqualTo(new Acquisition.Refused(Acquisition.Reason.EXPIRED));
        assertThat(w.inFlight()).isZero();
    }

    @Test
    void deadlineWithEveryCircuitOpenMeansNoWorker() throws Exception {
        Worker w = fixture.worker("a", 1, 1);
        w.breaker().transitionToOpenState();
        PoolDispatcher d = dispatcher(w);
        Message m = message(Priority.NORMAL, Duration.ofSeconds(1));
        ticker.advance(Duration.ofSeconds(2));

        assertThat(d.acquire(m, SelectionContext.none())).isEqualTo(new Acquisition.Refused(Acquisition.Reason.NO_WORKER));
    }

    @Test
    void closingRefusesWaitersWithShutdown() throws Exception {
        Worker w = fixture.worker("a", 1, 1);
        PoolDispatcher d = dispatcher(w);
        acquired(d.acquire(message(Priority.NORMAL, Duration.ofSeconds(5)), SelectionContext.none()));
        var waiting = CompletableFuture.supplyAsync(() -> acquireQuietly(d, message(Priority.NORMAL, Duration.ofSeconds(30))));
        await().atMost(5, TimeUnit.SECONDS).until(() -> d.waiting() == 1);

        d.close();

        assertThat(waiting.get(5, TimeUnit.SECONDS)).isEqualTo(new Acquisition.Refused(Acquisition.Reason.SHUTDOWN));
    }

    @Test
    void avoidedWorkerIsUsedOnlyWhenNoOtherIsFree() throws Exception {
        Worker a = fixture.worker("a", 1, 1);
        Worker b = fixture.worker("b", 1, 1);
        PoolDispatcher d = dispatcher(a, b);

        Worker first = acquired(d.acquire(message(Priority.NORMAL, Duration.ofSeconds(5)), new SelectionContext(null, java.util.Set.of(a))));
        assertThat(first).isSameAs(b);
        Worker second = acquired(d.acquire(message(Priority.NORMAL, Duration.ofSeconds(5)), new SelectionContext(null, java.util.Set.of(a))));
        assertThat(second).isSameAs(a);
    }

    @Test
    void aMessageWaitsForTheWorkersRateAndIsDispatchedOnceItAllows() throws Exception {
        Worker w = fixture.worker("a", 1, 16);
        w.rateLimit(1, 1);
        PoolDispatcher d = dispatcher(w);
        acquired(d.acquire(message(Priority.NORMAL, Duration.ofSeconds(30)), SelectionContext.none())).release();

        var waiting = CompletableFuture.supplyAsync(() -> acquireQuietly(d, message(Priority.NORMAL, Duration.ofSeconds(30))));
        await().atMost(5, TimeUnit.SECONDS).until(() -> d.waiting() == 1);
        d.onCapacity();
        assertThat(waiting).as("the rate has not allowed a second request yet").isNotDone();

        ticker.advance(Duration.ofSeconds(1));
        d.onCapacity();

        assertThat(acquired(waiting.get(5, TimeUnit.SECONDS))).isSameAs(w);
    }

    @Test
    void aPausedPoolHoldsMessagesInItsQueueUntilResumed() throws Exception {
        Worker w = fixture.worker("a", 1, 4);
        PoolDispatcher d = dispatcher(w);
        d.pause();
        assertThat(d.accepting()).isFalse();
        assertThat(d.hasHealthyWorker()).as("paused is not unhealthy").isTrue();

        var waiting = CompletableFuture.supplyAsync(() -> acquireQuietly(d, message(Priority.NORMAL, Duration.ofSeconds(30))));
        await().atMost(5, TimeUnit.SECONDS).until(() -> d.waiting() == 1);
        d.onCapacity();
        assertThat(waiting).isNotDone();

        d.resume();

        assertThat(acquired(waiting.get(5, TimeUnit.SECONDS))).isSameAs(w);
        assertThat(d.accepting()).isTrue();
    }

    @Test
    void aDrainedWorkerFinishesWhatItHasAndGetsNothingNewWhileTheOthersTakeItsShare() throws Exception {
        Worker a = fixture.worker("a", 1, 4);
        Worker b = fixture.worker("b", 1, 4);
        PoolDispatcher d = dispatcher(a, b);
        Worker first = acquired(d.acquire(message(Priority.NORMAL, Duration.ofSeconds(5)), SelectionContext.none()));
        first.drain();
        Worker other = first == a ? b : a;

        for (int i = 0; i < 3; i++) {
            assertThat(acquired(d.acquire(message(Priority.NORMAL, Duration.ofSeconds(5)), SelectionContext.none())))
                    .isSameAs(other);
        }
        assertThat(first.inFlight()).as("its attempt under way is kept").isEqualTo(1);
        first.release();
        other.drain();
        assertThat(d.hasHealthyWorker()).as("every worker drained").isFalse();

        var waiting = CompletableFuture.supplyAsync(() -> acquireQuietly(d, message(Priority.NORMAL, Duration.ofSeconds(30))));
        await().atMost(5, TimeUnit.SECONDS).until(() -> d.waiting() == 1);
        first.undrain();
        assertThat(acquired(waiting.get(5, TimeUnit.SECONDS))).isSameAs(first);
    }

    private static Acquisition acquireQuietly(PoolDispatcher d, Message m) {
        try {
            return d.acquire(m, SelectionContext.none());
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
