package io.switchboard.admission;

import io.switchboard.config.RateLimitConfig;
import io.switchboard.config.RouteConfig;
import io.switchboard.limit.RateLimit;
import io.switchboard.testing.FakeTicker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Key and route limits are for the fleet: each instance takes its share of the live instances, as they change. */
class RateLimitsTest {

    final FakeTicker ticker = FakeTicker.create();
    final AtomicInteger instances = new AtomicInteger(1);

    @Test
    void eachInstanceEnforcesItsShareOfTheRateAndTheBurstRoundedUp() {
        RateLimits limits = RateLimits.of(List.of(new RouteConfig("bulk", "main", null, new RateLimitConfig(10.0, 5))),
                ticker, instances::get);

        instances.set(2);
        RateLimit.Permit shared = limits.forRoute("bulk");
        assertThat(shared.limit()).as("ceil(5 / 2)").isEqualTo(3);
        assertThat(shared.remaining()).isEqualTo(2);
        assertThat(limits.forRoute("bulk").admitted()).isTrue();
        assertThat(limits.forRoute("bulk").admitted()).isTrue();
        assertThat(limits.forRoute("bulk").admitted()).as("the share of the burst is spent").isFalse();
        ticker.advance(Duration.ofMillis(100));
        assertThat(limits.forRoute("bulk").admitted()).as("10/s over 2 is one per 200 ms").isFalse();
        ticker.advance(Duration.ofMillis(100));
        assertThat(limits.forRoute("bulk").admitted()).isTrue();

        instances.set(1);
        ticker.advance(Duration.ofSeconds(10));
        assertThat(limits.forRoute("bulk").limit()).as("the whole limit again once alone").isEqualTo(5);
    }

    @Test
    void aKeysLimitIsSharedTooAndNoLimitReportsNothing() {
        RateLimits limits = RateLimits.of(List.of(), ticker, instances::get);
        ApiKey limited = new ApiKey("k", Set.of(Scope.ROUTE), RateLimit.of(4, 4));
        ApiKey free = new ApiKey("f", Set.of(Scope.ROUTE), RateLimit.unlimited());

        instances.set(4);
        assertThat(limits.forKey(limited).limit()).isEqualTo(1);
        assertThat(limits.forKey(limited).admitted()).isFalse();
        assertThat(limits.forKey(free).limited()).isFalse();
        assertThat(limits.forRoute("no-such-route").limited()).isFalse();
    }
}
