package io.switchboard.limit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The cell-rate limit on its own: what it admits when, what it tells a caller, and each instance's share. */
class RateLimitTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    /** From any reading of the monotonic clock, including one that wraps past Long.MAX_VALUE meanwhile. */
    @ParameterizedTest
    @ValueSource(longs = {0, -4_000_000_000_000L, Long.MAX_VALUE - 150 * 1_000_000L})
    void aPermitSaysWhatIsLeftAndWhenToComeBack(long start) {
        RateLimit limit = RateLimit.of(10, 3);

        RateLimit.Permit first = limit.take(start);
        assertThat(first.admitted()).isTrue();
        assertThat(first.limit()).isEqualTo(3);
        assertThat(first.remaining()).isEqualTo(2);
        assertThat(first.resetSeconds()).isEqualTo(1);
        assertThat(limit.take(start).remaining()).isEqualTo(1);
        RateLimit.Permit third = limit.take(start);
        assertThat(third.remaining()).isZero();
        assertThat(third.resetNanos()).isEqualTo(300 * MS);

        RateLimit.Permit refused = limit.take(start + 40 * MS);
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.remaining()).isZero();
        assertThat(refused.retryAfterNanos()).isEqualTo(60 * MS);
        assertThat(refused.retryAfterSeconds()).as("rounded up, at least 1").isEqualTo(1);
        assertThat(limit.admits(start + 99 * MS)).isFalse();

        long later = start + 100 * MS;
        assertThat(limit.admits(later)).isTrue();
        RateLimit.Permit again = limit.take(later);
        assertThat(again.admitted()).isTrue();
        assertThat(again.remaining()).isZero();
        assertThat(limit.tryTake(later)).isFalse();

        long idle = later + 10_000 * MS;
        assertThat(limit.take(idle).remaining()).as("an idle bucket is full again, no more").isEqualTo(2);
    }

    @Test
    void aSlowRateTellsTheCallerToWaitWholeSeconds() {
        RateLimit limit = RateLimit.of(0.5, 1);
        assertThat(limit.take(0).admitted()).isTrue();
        RateLimit.Permit refused = limit.take(MS);
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.retryAfterSeconds()).isEqualTo(2);
        assertThat(refused.resetSeconds()).isEqualTo(2);
    }

    @Test
    void eachInstanceTakesItsShareOfTheRateAndTheBurstRoundedUp() {
        RateLimit limit = RateLimit.of(10, 5);
        limit.share(2);
        assertThat(limit.perSecond()).isEqualTo(5.0);
        assertThat(limit.burst()).isEqualTo(3);
        limit.share(10);
        assertThat(limit.burst()).as("never below 1").isEqualTo(1);
        limit.share(0);
        assertThat(limit.perSecond()).as("at least one instance").isEqualTo(10.0);
        assertThat(limit.burst()).isEqualTo(5);
    }

    @Test
    void withoutALimitEverythingIsAdmittedAndNothingIsReported() {
        RateLimit limit = RateLimit.unlimited();
        for (int i = 0; i < 1_000; i++) {
            assertThat(limit.tryTake(0)).isTrue();
        }
        assertThat(limit.limited()).isFalse();
        RateLimit.Permit p = limit.take(0);
        assertThat(p.admitted()).isTrue();
        assertThat(p.limit()).isZero();
        limit.set(1, 1);
        assertThat(limit.tryTake(0)).isTrue();
        assertThat(limit.tryTake(0)).isFalse();
        limit.set(0, 1);
        assertThat(limit.tryTake(0)).as("0 lifts the limit").isTrue();
    }
}
