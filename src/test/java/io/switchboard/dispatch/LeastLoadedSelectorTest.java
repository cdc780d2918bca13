package io.switchboard.dispatch;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.switchboard.dispatch.WorkerFixture.pickCounts;
import static org.assertj.core.api.Assertions.assertThat;

class LeastLoadedSelectorTest {

    private final WorkerFixture fixture = new WorkerFixture();

    @Test
    void prefersTheIdleWorker() {
        List<Worker> workers = fixture.workers(3);
        workers.get(0).tryAcquire();
        workers.get(0).tryAcquire();
        workers.get(2).tryAcquire();
        WorkerSelector selector = WorkerSelector.leastLoaded(workers);

        assertThat(pickCounts(selector, SelectionContext.none(), 50)).containsOnlyKeys("w1");
    }

    @Test
    void idleWorkersShareTheTraffic() {
        WorkerSelector selector = WorkerSelector.leastLoaded(fixture.workers(3));

        Map<String, Integer> counts = pickCounts(selector, SelectionContext.none(), 300);

        assertThat(counts).containsOnlyKeys("w0", "w1", "w2").allSatisfy((id, n) -> assertThat(n).isEqualTo(100));
    }

    @Test
    void comparesLoadAsAShareOfTheConcurrencyLimitNotAsARawCount() {
        Worker big = fixture.worker("big", 1, 10);
        Worker small = fixture.worker("small", 1, 2);
        big.tryAcquire();
        big.tryAcquire();
        small.tryAcquire();
        WorkerSelector selector = WorkerSelector.leastLoaded(List.of(small, big));

        assertThat(selector.select(SelectionContext.none())).isSameAs(big);
    }

    @Test
    void keepsInFlightCountsLevelWhenEveryPickIsHeld() {
        List<Worker> workers = fixture.workers(4);
        WorkerSelector selector = WorkerSelector.leastLoaded(workers);

        for (int i = 0; i < 30; i++) {
            assertThat(selector.select(SelectionContext.none()).tryAcquire()).isTrue();
            int max = workers.stream().mapToInt(Worker::inFlight).max().orElseThrow();
            int min = workers.stream().mapToInt(Worker::inFlight).min().orElseThrow();
            assertThat(max - min).isLessThanOrEqualTo(1);
        }
    }

    @Test
    void passesOverALessLoadedWorkerWhoseCircuitIsOpen() {
        List<Worker> workers = fixture.workers(2);
        workers.get(0).tryAcquire();
        workers.get(1).breaker().transitionToOpenState();
        WorkerSelector selector = WorkerSelector.leastLoaded(workers);

        assertThat(pickCounts(selector, SelectionContext.none(), 10)).containsOnlyKeys("w0");
    }
}
