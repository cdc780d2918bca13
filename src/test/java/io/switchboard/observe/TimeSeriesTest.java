package io.switchboard.observe;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TimeSeriesTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void percentilesStayWithinABucketOfTheTrueValue() {
        TimeSeries series = new TimeSeries(0);
        for (int i = 1; i <= 100; i++) {
            series.record(MS, false, i * MS);
        }
        TimeSeries.Window w = series.recent(MS, 1);
        assertThat(w.percentileMillis(0.50)).isCloseTo(50.0, within(50.0 * 0.1));
        assertThat(w.percentileMillis(0.99)).isCloseTo(99.0, within(99.0 * 0.1));
        assertThat(w.errorRate()).isZero();
    }

    @Test
    void windowsAndHistoryWorkAcrossTheWrapOfTheMonotonicClock() {
        long origin = Long.MAX_VALUE - TimeSeries.SLOT_NANOS;
        TimeSeries series = new TimeSeries(origin);
        series.record(origin + MS, true, 0);
        series.record(origin + TimeSeries.SLOT_NANOS + MS, false, 5 * MS);
        long now = origin + 2 * TimeSeries.SLOT_NANOS;

        assertThat(series.history(now)).extracting(p -> p.window().count()).containsExactly(1L, 1L);
        assertThat(series.history(now).get(0).window().errorRate()).isEqualTo(1.0);
        TimeSeries.Window recent = series.recent(now, 5);
        assertThat(recent.count()).isEqualTo(2);
        assertThat(recent.spanNanos()).isEqualTo(2 * TimeSeries.SLOT_NANOS);
    }

    @Test
    void slotsOlderThanFiveMinutesAreForgotten() {
        TimeSeries series = new TimeSeries(0);
        series.record(MS, false, MS);
        long later = (TimeSeries.HISTORY_SLOTS + 3) * TimeSeries.SLOT_NANOS;
        series.record(later, false, MS);

        assertThat(series.history(later)).hasSize(TimeSeries.HISTORY_SLOTS)
                .allSatisfy(p -> assertThat(p.window().count()).isZero());
        assertThat(series.recent(later, 1).count()).isEqualTo(1);
    }
}
