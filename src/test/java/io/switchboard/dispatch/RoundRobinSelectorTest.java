package io.switchboard.dispatch;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.switchboard.dispatch.WorkerFixture.pickCounts;
import static org.assertj.core.api.Assertions.assertThat;

class RoundRobinSelectorTest {

    private final WorkerFixture fixture = new WorkerFixture();

    @Test
    void spreadsPicksEvenlyAcrossWorkers() {
        WorkerSelector selector = WorkerSelector.roundRobin(fixture.workers(4));

        Map<String, Integer> counts = pickCounts(selector, SelectionContext.none(), 4000);

        assertThat(counts).containsOnlyKeys("w0", "w1", "w2", "w3").allSatisfy((id, n) -> assertThat(n).isEqualTo(1000));
    }

    @Test
    void takesWorkersInListOrder() {
        List<Worker> workers = fixture.workers(3);
        WorkerSelector selector = WorkerSelector.roundRobin(workers);

        assertThat(List.of(selector.select(SelectionContext.none()), selector.select(SelectionContext.none()),
                selector.select(SelectionContext.none()), selector.select(SelectionContext.none())))
                .containsExactly(workers.get(0), workers.get(1), workers.get(2), workers.get(0));
    }

    @Test
    void skipsWorkersAtTheirConcurrencyLimitAndWithOpenCircuitsWithoutDoublingTheNextOnesShare() {
        Worker w0 = fixture.worker("w0");
        Worker full = fixture.worker("full", 1, 2);
        Worker open = fixture.worker("open");
        Worker w3 = fixture.worker("w3");
        WorkerFixture.fill(full);
        open.breaker().transitionToOpenState();
        WorkerSelector selector = WorkerSelector.roundRobin(List.of(w0, full, open, w3));

        Map<String, Integer> counts = pickCounts(selector, SelectionContext.none(), 1000);

        assertThat(counts).containsOnlyKeys("w0", "w3");
        assertThat(counts.get("w0")).isBetween(480, 520);
    }

    @Test
    void takesAWorkerBackOnceItHasAFreeSlotAgain() {
        List<Worker> workers = fixture.workers(2);
        Worker w1 = workers.get(1);
        WorkerFixture.fill(w1);
        WorkerSelector selector = WorkerSelector.roundRobin(workers);
        assertThat(pickCounts(selector, SelectionContext.none(), 10)).containsOnlyKeys("w0");

        w1.release();

        assertThat(pickCounts(selector, SelectionContext.none(), 10)).containsEntry("w0", 5).containsEntry("w1", 5);
    }
}
