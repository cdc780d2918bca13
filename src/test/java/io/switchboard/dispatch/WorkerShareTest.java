package io.switchboard.dispatch;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** A worker's max_concurrency is for the whole fleet; each engine instance takes its share. */
class WorkerShareTest {

    final WorkerFixture fixture = new WorkerFixture();

    @Test
    void eachInstanceTakesMaxConcurrencyOverInstancesRoundedUpAndAtLeastOne() {
        Worker w = fixture.worker("w", 1, 5);
        assertThat(w.concurrencyLimit()).isEqualTo(5);

        w.share(2);
        assertThat(w.concurrencyLimit()).isEqualTo(3);
        w.share(5);
        assertThat(w.concurrencyLimit()).isEqualTo(1);
        w.share(8);
        assertThat(w.concurrencyLimit()).isEqualTo(1);
        w.share(0);
        assertThat(w.concurrencyLimit()).isEqualTo(5);
        assertThat(w.maxConcurrency()).isEqualTo(5);
    }

    @Test
    void aSmallerShareAdmitsNothingMoreUntilInFlightIsBelowItAndKeepsWhatIsHeld() {
        Worker w = fixture.worker("w", 1, 4);
        WorkerFixture.fill(w);
        assertThat(w.inFlight()).isEqualTo(4);

        w.share(2);
        assertThat(w.isUsable()).isFalse();
        assertThat(w.inFlight()).isEqualTo(4);
        w.release();
        w.release();
        assertThat(w.tryAcquire()).isFalse();
        w.release();
        assertThat(w.tryAcquire()).isTrue();
        assertThat(w.inFlight()).isEqualTo(2);
    }

    @Test
    void aLargerShareWakesMessagesWaitingForTheWorker() {
        Worker w = fixture.worker("w", 1, 4);
        w.share(4);
        AtomicInteger wakes = new AtomicInteger();
        w.onRelease(wakes::incrementAndGet);

        w.share(4);
        w.share(8);
        assertThat(wakes).as("no new slots").hasValue(0);
        w.share(1);
        assertThat(wakes).hasValue(1);
    }

    @Test
    void leastLoadedComparesInFlightWithThisInstancesShare() {
        Worker big = fixture.worker("big", 1, 8);
        Worker small = fixture.worker("small", 1, 4);
        big.share(4);
        assertThat(big.tryAcquire()).isTrue();
        assertThat(small.tryAcquire()).isTrue();

        // big: 1 of its share of 2 (1 of 8 in the fleet); small: 1 of 4.
        WorkerSelector selector = WorkerSelector.leastLoaded(List.of(big, small));
        for (int i = 0; i < 4; i++) {
            assertThat(selector.select(SelectionContext.none())).isSameAs(small);
        }
    }
}
