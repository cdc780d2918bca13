package io.switchboard.dispatch;

import io.switchboard.testing.FakeTicker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A worker's max_requests_per_second and burst, on a fake clock: what is admitted when, and each instance's share. */
class WorkerRateLimitTest {

    final FakeTicker ticker = FakeTicker.create();
    final WorkerFixture fixture = new WorkerFixture(ticker);

    /** Takes a slot and gives it straight back: one request sent. */
    private static boolean send(Worker w) {
        if (!w.tryAcquire()) {
            return false;
        }
        w.release();
        return true;
    }

    /** From any reading of the monotonic clock: System.nanoTime may be negative, or large. */
    @ParameterizedTest
    @ValueSource(longs = {0, -4_000_000_000_000L, 4_000_000_000_000_000_000L})
    void aBurstGoesAtOnceThenOneRequestPerInterval(long start) {
        FakeTicker ticker = FakeTicker.startingAt(start);
        Worker w = new WorkerFixture(ticker).worker("w", 1, 16);
        w.rateLimit(10, 3);

        assertThat(send(w)).isTrue();
        assertThat(send(w)).isTrue();
        assertThat(send(w)).isTrue();
        assertThat(w.isUsable()).isFalse();
        assertThat(send(w)).as("a fourth within the same instant").isFalse();
        assertThat(w.inFlight()).as("a refusal holds nothing").isZero();

        ticker.advance(Duration.ofMillis(99));
        assertThat(send(w)).isFalse();
        ticker.advance(Duration.ofMillis(1));
        assertThat(send(w)).isTrue();
        assertThat(send(w)).isFalse();

        ticker.advance(Duration.ofSeconds(10));
        assertThat(send(w)).as("an idle worker's burst is back, no more").isTrue();
        assertThat(send(w)).isTrue();
        assertThat(send(w)).isTrue();
        assertThat(send(w)).isFalse();
    }

    @Test
    void eachInstanceTakesItsShareOfTheRateAndTheBurst() {
        Worker w = fixture.worker("w", 1, 16);
        w.rateLimit(10, 4);
        assertThat(w.rateLimit()).isEqualTo(10.0);

        w.share(2);
        assertThat(w.rateLimit()).isEqualTo(5.0);
        assertThat(send(w)).isTrue();
        assertThat(send(w)).isTrue();
        assertThat(send(w)).as("burst 4 over 2 instances is 2").isFalse();
        ticker.advance(Duration.ofMillis(100));
        assertThat(send(w)).as("one interval of 10/s is not one of 5/s").isFalse();
        ticker.advance(Duration.ofMillis(100));
        assertThat(send(w)).isTrue();

        w.share(1);
        assertThat(w.rateLimit()).isEqualTo(10.0);
    }

    @Test
    void withoutALimitEveryRequestIsAdmittedAndNoneIsBooked() {
        Worker w = fixture.worker("w", 1, 2);
        for (int i = 0; i < 1_000; i++) {
            assertThat(send(w)).isTrue();
        }
        assertThat(w.rateLimit()).isZero();
        w.rateLimit(5, 1);
        w.rateLimit(0, 1);
        assertThat(send(w)).isTrue();
        assertThat(send(w)).isTrue();
    }
}
