package io.switchboard.dispatch;

import io.switchboard.testing.FakeTicker;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static io.switchboard.dispatch.WorkerFixture.pickCounts;
import static org.assertj.core.api.Assertions.assertThat;

class PowerOfTwoSelectorTest {

    private static final long FAST_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long SLOW_NANOS = 10 * FAST_NANOS;
    private static final int REQUESTS = 10_000;

    private final WorkerFixture fixture = new WorkerFixture(FakeTicker.startingAt(Long.MAX_VALUE - 1_000_000_000L));

    /** A request in service on a worker until {@code doneAt} on the simulated clock. */
    private record Completion(long doneAt, Worker worker, long latency) { }

    @Test
    void keepsATenTimesSlowerWorkerUnderTenPercentOfPicks() {
        List<Worker> workers = new ArrayList<>(fixture.workers(4));
        Worker slow = fixture.worker("slow");
        workers.add(slow);

        int slowPicks = simulate(WorkerSelector.powerOfTwo(workers, new SplittableRandom(42)), slow);

        assertThat(slowPicks).as("slow worker picks").isPositive().isLessThan(REQUESTS / 10);
        assertThat(slow.latencyNanos()).isEqualTo(SLOW_NANOS);
    }

    @Test
    void sameSimulationGivesTheSlowWorkerItsFullShareUnderRoundRobin() {
        List<Worker> workers = new ArrayList<>(fixture.workers(4));
        Worker slow = fixture.worker("slow");
        workers.add(slow);

        assertThat(simulate(WorkerSelector.roundRobin(workers), slow)).isEqualTo(REQUESTS / 5);
    }

    /**
     * Discrete-event simulation on the fake clock: Poisson arrivals, each placed by {@code selector} and holding
     * its worker's slot for the worker's latency, which is recorded when it completes. Returns the slow worker's
     * pick count.
     */
    private int simulate(WorkerSelector selector, Worker slow) {
        SplittableRandom arrivals = new SplittableRandom(7);
        PriorityQueue<Completion> inService = new PriorityQueue<>((a, b) -> Long.compare(a.doneAt(), b.doneAt()));
        FakeTicker clock = fixture.ticker;
        long start = clock.nanoTime();
        // One arrival per 4 ms on average against 10 ms service: a few requests overlap, so in-flight counts matter.
        long meanGap = TimeUnit.MILLISECONDS.toNanos(4);
        int slowPicks = 0;
        for (int i = 0; i < REQUESTS; i++) {
            long arrival = (clock.nanoTime() - start) + (long) (-Math.log(1 - arrivals.nextDouble()) * meanGap);
            while (!inService.isEmpty() && inService.peek().doneAt() <= arrival) {
                Completion done = inService.poll();
                clock.advanceNanos(done.doneAt() - (clock.nanoTime() - start));
                done.worker().recordLatency(done.latency());
                done.worker().release();
            }
            clock.advanceNanos(arrival - (clock.nanoTime() - start));
            Worker picked = selector.select(SelectionContext.none());
            assertThat(picked).as("pick for request %d", i).isNotNull();
            assertThat(picked.tryAcquire()).isTrue();
            long latency = picked == slow ? SLOW_NANOS : FAST_NANOS;
            if (picked == slow) {
                slowPicks++;
            }
            inService.add(new Completion(arrival + latency, picked, latency));
        }
        return slowPicks;
    }

    @Test
    void picksTheLessLoadedOfTwoEquallyFastWorkers() {
        List<Worker> workers = fixture.workers(2);
        workers.forEach(w -> w.recordLatency(FAST_NANOS));
        workers.get(0).tryAcquire();
        WorkerSelector selector = WorkerSelector.powerOfTwo(workers, new SplittableRandom(1));

        assertThat(pickCounts(selector, SelectionContext.none(), 100)).containsOnlyKeys("w1");
    }

    @Test
    void findsTheOnlyAdmittedWorkerEvenWhenTheRandomCandidatesAreRefused() {
        List<Worker> workers = fixture.workers(6);
        for (int i = 0; i < 5; i++) {
            workers.get(i).breaker().transitionToOpenState();
        }
        WorkerSelector selector = WorkerSelector.powerOfTwo(workers, new SplittableRandom(3));

        assertThat(pickCounts(selector, SelectionContext.none(), 500)).containsOnlyKeys("w5");
    }

    @Test
    void spreadsIdleEquallyFastWorkersRoughlyEvenly() {
        List<Worker> workers = fixture.workers(4);
        workers.forEach(w -> w.recordLatency(FAST_NANOS));
        WorkerSelector selector = WorkerSelector.powerOfTwo(workers, new SplittableRandom(5));

        Map<String, Integer> counts = pickCounts(selector, SelectionContext.none(), 10_000);

        assertThat(counts).containsOnlyKeys("w0", "w1", "w2", "w3")
                .allSatisfy((id, n) -> assertThat(n).isBetween(2200, 2800));
    }
}
