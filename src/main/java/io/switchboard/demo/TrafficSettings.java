package io.switchboard.demo;

import java.time.Duration;
import java.util.Objects;

/**
 * How hard the traffic generator pushes.
 *
 * @param ratePerSecond  requests started per second
 * @param maxOutstanding most requests awaiting an answer at once; a tick that finds none free is skipped, not queued
 * @param requestTimeout how long one request may take before it counts as failed
 */
public record TrafficSettings(double ratePerSecond, int maxOutstanding, Duration requestTimeout) {

    public static final double MAX_RATE_PER_SECOND = 10_000;

    public TrafficSettings {
        if (!(ratePerSecond > 0 && ratePerSecond <= MAX_RATE_PER_SECOND)) {
            throw new IllegalArgumentException("traffic rate must be above 0 and at most " + MAX_RATE_PER_SECOND
                    + " per second, got " + ratePerSecond);
        }
        if (maxOutstanding < 1 || maxOutstanding > 10_000) {
            throw new IllegalArgumentException("max outstanding requests must be 1..10000, got " + maxOutstanding);
        }
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("request timeout must be positive, got " + requestTimeout);
        }
    }

    /** The demo's gentle load: 5 requests a second, at most 32 outstanding, 35 s each (beyond the engine's 30 s). */
    public static TrafficSettings defaults() {
        return new TrafficSettings(5, 32, Duration.ofSeconds(35));
    }

    public TrafficSettings withRatePerSecond(double rate) {
        return new TrafficSettings(rate, maxOutstanding, requestTimeout);
    }
}
