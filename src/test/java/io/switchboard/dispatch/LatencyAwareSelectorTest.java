package io.switchboard.dispatch;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.switchboard.dispatch.WorkerFixture.pickCounts;
import static org.assertj.core.api.Assertions.assertThat;

class LatencyAwareSelectorTest {

    private static final long MS = 1_000_000;

    private final WorkerFixture fixture = new WorkerFixture();

    @Test
    void prefersTheFastestMeasuredWorker() {
        Worker fast = fixture.worker("fast");
        Worker medium = fixture.worker("medium");
        Worker slow = fixture.worker("slow");
        slow.recordLatency(50 * MS);
        fast.recordLatency(10 * MS);
        medium.recordLatency(20 * MS);
        WorkerSelector selector = WorkerSelector.latencyAware(List.of(slow, medium, fast));

        assertThat(pickCounts(selector, SelectionContext.none(), 30)).containsOnlyKeys("fast");
    }

    @Test
    void movesOnFromTheFastestWorkerOnceItsQueueMakesItSlowerThanTheNext() {
        Worker fast = fixture.worker("fast");
        Worker medium = fixture.worker("medium");
        fast.recordLatency(10 * MS);
        medium.recordLatency(25 * MS);
        WorkerSelector selector = WorkerSelector.latencyAware(List.of(fast, medium));

        fast.tryAcquire();
        assertThat(selector.select(SelectionContext.none())).isSameAs(fast);   // 2 * 10 ms < 25 ms
        fast.tryAcquire();
        assertThat(selector.select(SelectionContext.none())).isSameAs(medium); // 3 * 10 ms > 25 ms
    }

    @Test
    void triesAnUnmeasuredWorkerBeforeTheFastestMeasuredOne() {
        Worker fast = fixture.worker("fast");
        Worker slow = fixture.worker("slow");
        Worker fresh = fixture.worker("fresh");
        fast.recordLatency(10 * MS);
        slow.recordLatency(40 * MS);
        WorkerSelector selector = WorkerSelector.latencyAware(List.of(fast, slow, fresh));

        Worker first = selector.select(SelectionContext.none());
        assertThat(first).isSameAs(fresh);

        // While its probe is out, the fresh worker is not sent more on faith.
        assertThat(fresh.tryAcquire()).isTrue();
        assertThat(selector.select(SelectionContext.none())).isSameAs(fast);

        // Measured slower than the fast worker, it now competes on latency like the rest.
        fresh.recordLatency(30 * MS);
        fresh.release();
        assertThat(pickCounts(selector, SelectionContext.none(), 20)).containsOnlyKeys("fast");
    }

    @Test
    void usesABusyUnmeasuredWorkerOnlyWhenNoMeasuredWorkerIsAdmitted() {
        Worker measured = fixture.worker("measured");
        Worker fresh = fixture.worker("fresh");
        measured.recordLatency(10 * MS);
        fresh.tryAcquire();
        WorkerSelector selector = WorkerSelector.latencyAware(List.of(measured, fresh));
        assertThat(selector.select(SelectionContext.none())).isSameAs(measured);

        measured.breaker().transitionToOpenState();

        assertThat(selector.select(SelectionContext.none())).isSameAs(fresh);
    }

    @Test
    void unmeasuredIdleWorkersTakeTurnsBeingProbed() {
        WorkerSelector selector = WorkerSelector.latencyAware(fixture.workers(3));

        assertThat(pickCounts(selector, SelectionContext.none(), 30)).containsOnlyKeys("w0", "w1", "w2")
                .allSatisfy((id, n) -> assertThat(n).isEqualTo(10));
    }
}
