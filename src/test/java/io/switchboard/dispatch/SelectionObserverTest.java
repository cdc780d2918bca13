package io.switchboard.dispatch;

import io.switchboard.classify.Classification;
import io.switchboard.message.Envelope;
import io.switchboard.message.Message;
import io.switchboard.message.Priority;
import io.switchboard.testing.FakeTicker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The dispatcher reports the selection made for each arriving message, and a failing observer changes nothing. */
class SelectionObserverTest {

    final FakeTicker ticker = FakeTicker.create();
    final WorkerFixture fixture = new WorkerFixture(ticker);

    private Message message() {
        long now = ticker.nanoTime();
        return new Message("m", "r", Envelope.ofText("x"),
                new Classification("c", Priority.NORMAL, Classification.Source.DEFAULT, List.of()), now,
                now + Duration.ofSeconds(5).toNanos());
    }

    @Test
    void everyArrivalThatFindsAnEmptyQueueReportsItsSelectionWhetherOrNotAWorkerWasFree() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        Worker w = fixture.worker("a", 1, 1);
        var d = new PoolDispatcher("p", WorkerSelector.roundRobin(List.of(w)), 10, Duration.ofSeconds(1).toNanos(),
                ticker, (pool, nanos) -> heard.add(pool + " " + nanos));

        assertThat(d.acquire(message(), SelectionContext.none())).isInstanceOf(Acquisition.Acquired.class);
        // The only worker is busy: the second arrival selects in vain, and its deadline has passed, so it is refused.
        Message late = message();
        ticker.advance(Duration.ofSeconds(10));
        assertThat(d.acquire(late, SelectionContext.none())).isInstanceOf(Acquisition.Refused.class);

        assertThat(heard).containsExactly("p 0", "p 0");
    }

    @Test
    void throwingSelectionObserverNeverBreaksAcquisition() throws Exception {
        Worker w = fixture.worker("a", 1, 1);
        var d = new PoolDispatcher("p", WorkerSelector.roundRobin(List.of(w)), 10, Duration.ofSeconds(1).toNanos(),
                ticker, (pool, nanos) -> {
                    throw new IllegalStateException("observer broke");
                });

        Acquisition a = d.acquire(message(), SelectionContext.none());

        assertThat(a).isInstanceOfSatisfying(Acquisition.Acquired.class, got -> assertThat(got.worker()).isSameAs(w));
        assertThat(w.inFlight()).isEqualTo(1);
    }
}
