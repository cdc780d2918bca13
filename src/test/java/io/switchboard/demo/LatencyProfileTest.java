package io.switchboard.demo;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LatencyProfileTest {

    private static long[] sorted(LatencyProfile profile, int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] samples = new long[n];
        for (int i = 0; i < n; i++) {
            samples[i] = profile.sampleMillis(random);
        }
        Arrays.sort(samples);
        return samples;
    }

    @Test
    void tacticalSamplesHaveTheConfiguredMedianAndP99() {
        long[] samples = sorted(LatencyProfile.tactical(), 10_000, 7);

        assertThat((double) samples[5_000]).isCloseTo(120, within(120 * 0.05));
        assertThat((double) samples[9_900]).isCloseTo(600, within(600 * 0.15));
    }

    @Test
    void strategicSamplesHaveTheConfiguredMedianAndP99() {
        long[] samples = sorted(LatencyProfile.strategic(), 10_000, 11);

        assertThat((double) samples[5_000]).isCloseTo(800, within(800 * 0.05));
        assertThat((double) samples[9_900]).isCloseTo(3_000, within(3_000 * 0.15));
    }

    @Test
    void samplesAreNeverNegativeAndTheTailIsCappedAtFourTimesP99() {
        long[] samples = sorted(LatencyProfile.ofMillis(10, 1_000), 10_000, 3);

        assertThat(samples[0]).isNotNegative();
        assertThat(samples[samples.length - 1]).isLessThanOrEqualTo(4_000);
    }

    @Test
    void sameSeedGivesTheSameLatencies() {
        assertThat(sorted(LatencyProfile.tactical(), 100, 5)).containsExactly(sorted(LatencyProfile.tactical(), 100, 5));
    }

    @Test
    void equalMedianAndP99MeansAConstantLatency() {
        assertThat(sorted(LatencyProfile.ofMillis(50, 50), 100, 1)).containsOnly(50L);
    }

    @Test
    void rejectsP99BelowTheMedianNamingBoth() {
        assertThatThrownBy(() -> LatencyProfile.ofMillis(500, 100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("p99 (100 ms)")
                .hasMessageContaining("median (500 ms)");
    }

    @Test
    void rejectsASubMillisecondMedian() {
        assertThatThrownBy(() -> LatencyProfile.ofMillis(0, 100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1 ms");
    }
}
