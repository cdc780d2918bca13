package io.switchboard.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Caps retries as a share of first attempts so that a failing fleet never sees a retry storm.
 *
 * @param ratio        retries allowed per first attempt (default 0.1)
 * @param minPerSecond retries always allowed per second, so low traffic can still retry (default 10)
 */
public record RetryBudgetConfig(
        @JsonProperty("ratio") Double ratio,
        @JsonProperty("min_per_second") Integer minPerSecond) {

    public RetryBudgetConfig {
        ratio = Check.orDefault(ratio, 0.1);
        minPerSecond = Check.orDefault(minPerSecond, 10);
        Check.between("ratio", 0.0, 1.0, ratio);
        Check.atLeast("min_per_second", 0, minPerSecond);
    }

    public static RetryBudgetConfig defaults() {
        return new RetryBudgetConfig(null, null);
    }
}
