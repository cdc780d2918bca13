package io.switchboard.demo;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * A simulated worker's latency: a log-normal distribution given by its median and 99th percentile.
 *
 * <p>Log-normal because model latency is: most answers cluster near the median, and a long right tail
 * holds the slow ones. Draws are capped at four times the p99 so a demo never waits on a freak sample.
 *
 * @param median half of the answers are faster than this
 * @param p99    99% of the answers are faster than this; at least the median
 */
public record LatencyProfile(Duration median, Duration p99) {

    /** The standard normal quantile at 0.99: p99 = median * exp(Z99 * sigma). */
    private static final double Z99 = 2.3263478740408408;
    private static final double CEILING_OVER_P99 = 4.0;

    public LatencyProfile {
        Objects.requireNonNull(median, "median");
        Objects.requireNonNull(p99, "p99");
        if (median.toMillis() < 1) {
            throw new IllegalArgumentException("latency median must be at least 1 ms, got " + median.toMillis() + " ms");
        }
        if (p99.compareTo(median) < 0) {
            throw new IllegalArgumentException("latency p99 (" + p99.toMillis() + " ms) must not be below the median ("
                    + median.toMillis() + " ms)");
        }
    }

    /** A profile from milliseconds. */
    public static LatencyProfile ofMillis(long medianMs, long p99Ms) {
        return new LatencyProfile(Duration.ofMillis(medianMs), Duration.ofMillis(p99Ms));
    }

    /** A strong, slow model: median 800 ms, p99 3 s. */
    public static LatencyProfile strategic() {
        return ofMillis(800, 3_000);
    }

    /** A cheap, fast model: median 120 ms, p99 600 ms. */
    public static LatencyProfile tactical() {
        return ofMillis(120, 600);
    }

    /** Draws one latency in whole milliseconds; a pure function of the generator's next Gaussian. */
    public long sampleMillis(RandomGenerator random) {
        double medianMs = median.toNanos() / 1e6;
        double p99Ms = p99.toNanos() / 1e6;
        double sigma = Math.log(p99Ms / medianMs) / Z99;
        double drawn = medianMs * Math.exp(sigma * random.nextGaussian());
        return Math.round(Math.min(drawn, p99Ms * CEILING_OVER_P99));
    }
}
