package io.switchboard.deliver;

import io.switchboard.config.BackoffConfig;

import java.util.random.RandomGenerator;

/** Exponential backoff with full jitter: a pure function from the attempt number to a delay. */
public final class Backoff {

    private final long initialNanos;
    private final long maxNanos;
    private final double multiplier;

    public Backoff(BackoffConfig config) {
        this.initialNanos = config.initialMs() * 1_000_000L;
        this.maxNanos = config.maxMs() * 1_000_000L;
        this.multiplier = config.multiplier();
    }

    /** The delay before attempt {@code nextAttempt} (2 for the first retry), uniform in [0, cap]. */
    public long delayNanos(int nextAttempt, RandomGenerator random) {
        double cap = initialNanos * Math.pow(multiplier, Math.max(0, nextAttempt - 2));
        long bound = (long) Math.min(maxNanos, cap);
        return bound <= 0 ? 0 : random.nextLong(bound + 1);
    }
}
