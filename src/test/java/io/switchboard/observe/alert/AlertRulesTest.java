package io.switchboard.observe.alert;

import io.switchboard.config.AlertsConfig;
import io.switchboard.observe.alert.AlertRules.Breach;
import io.switchboard.observe.alert.MetricsSnapshot.Histogram;
import io.switchboard.observe.alert.MetricsSnapshot.QueueFill;
import io.switchboard.observe.alert.MetricsSnapshot.WorkerKey;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The conditions as pure functions of hand-made snapshots, and the hold-and-resolve state machine over them. */
class AlertRulesTest {

    static final double[] BOUNDS = {1, 2, 5, 10, 30};
    static final AlertRules.Thresholds DEFAULTS = AlertRules.Thresholds.of(AlertsConfig.defaults());
    // Near the end of the monotonic range, so differences must be taken, never comparisons of readings.
    static final long T0 = Long.MAX_VALUE - Duration.ofMinutes(3).toNanos();

    private static long at(Duration d) {
        return T0 + d.toNanos();
    }

    private static MetricsSnapshot snapshot(long atNanos, long received, long routed, long delivered, long failed) {
        return new MetricsSnapshot(atNanos, received, routed, delivered, failed, Map.of(), Map.of(), Map.of());
    }

    private static MetricsSnapshot latency(long atNanos, Histogram h) {
        return new MetricsSnapshot(atNanos, 0, 0, h.count(), 0, Map.of("fast", h), Map.of(), Map.of());
    }

    @Test
    void p95IsInterpolatedInsideTheBucketFromTheDeltasOfTheWindowOnly() {
        // Before the window: 1000 fast messages that must not dilute the quantile.
        Histogram older = new Histogram(BOUNDS, new long[] {1000, 1000, 1000, 1000, 1000}, 1000);
        // In the window: 100 more; 10 under 1 s, 10 in (1, 2], 60 in (2, 5], 20 in (5, 10].
        Histogram newer = new Histogram(BOUNDS, new long[] {1010, 1020, 1080, 1100, 1100}, 1100);

        // rank 95 lies in (5, 10] holding 20 (80 below): 5 + 5 * (95 - 80) / 20.
        assertThat(AlertRules.quantile(0.95, newer, older)).isCloseTo(8.75, within(1e-9));
        assertThat(AlertRules.quantile(0.5, newer, older)).isCloseTo(2 + 3 * (50 - 20) / 60.0, within(1e-9));
    }

    @Test
    void p95BeyondTheLastBucketIsItsBoundAndNoTrafficHasNoQuantile() {
        Histogram empty = Histogram.empty(BOUNDS);
        Histogram slow = new Histogram(BOUNDS, new long[] {0, 0, 0, 0, 1}, 10);

        assertThat(AlertRules.quantile(0.95, slow, empty)).isEqualTo(30.0);
        assertThat(AlertRules.quantile(0.95, empty, empty)).isNaN();
    }

    @Test
    void latencyAboveTheSloIsABreachOfThatPoolWithTheP95AsValue() {
        Histogram before = Histogram.empty(BOUNDS);
        Histogram after = new Histogram(BOUNDS, new long[] {0, 0, 10, 50, 100}, 100);

        List<Breach> breaches = AlertRules.breaches(List.of(latency(at(Duration.ZERO), before),
                latency(at(Duration.ofMinutes(1)), after)), DEFAULTS);

        assertThat(breaches).singleElement().satisfies(b -> {
            assertThat(b.kind()).isEqualTo(AlertKind.LATENCY_ABOVE_SLO);
            assertThat(b.labels()).containsExactly(Map.entry("pool", "fast"));
            assertThat(b.value()).isCloseTo(10 + 20 * 45 / 50.0, within(1e-9));
        });
    }

    @Test
    void errorRateComparesTheNewestSnapshotWithTheOneFiveMinutesBack() {
        List<MetricsSnapshot> history = List.of(
                snapshot(at(Duration.ZERO), 0, 0, 0, 0),
                snapshot(at(Duration.ofMinutes(1)), 0, 0, 100, 100),   // half failed, but over six minutes ago
                snapshot(at(Duration.ofMinutes(6)), 0, 0, 190, 110),   // 10 of 100 in the window: not above 10 %
                snapshot(at(Duration.ofMinutes(7)), 0, 0, 270, 140));  // 40 of 210 finished since minute 1 failed

        assertThat(AlertRules.breaches(history.subList(0, 3), DEFAULTS)).isEmpty();
        assertThat(AlertRules.breaches(history, DEFAULTS)).singleElement().satisfies(b -> {
            assertThat(b.kind()).isEqualTo(AlertKind.HIGH_ERROR_RATE);
            assertThat(b.value()).isCloseTo(40.0 / 210, within(1e-9));
        });
    }

    @Test
    void silenceNeedsAWholeWindowOfArrivalsWithoutADelivery() {
        AlertRules.Thresholds t = new AlertRules.Thresholds(0.1, Duration.ofMinutes(15).toNanos(), 10, 0.8);
        MetricsSnapshot start = snapshot(at(Duration.ZERO), 5, 5, 5, 0);
        MetricsSnapshot young = snapshot(at(Duration.ofMinutes(14)), 9, 5, 5, 0);
        MetricsSnapshot full = snapshot(at(Duration.ofMinutes(15)), 9, 5, 5, 0);
        MetricsSnapshot quiet = snapshot(at(Duration.ofMinutes(15)), 5, 5, 5, 0);

        assertThat(AlertRules.breaches(List.of(start, young), t)).isEmpty();
        assertThat(AlertRules.breaches(List.of(start, quiet), t)).isEmpty();
        assertThat(AlertRules.breaches(List.of(start, young, full), t)).singleElement()
                .satisfies(b -> assertThat(b.kind()).isEqualTo(AlertKind.NO_SUCCESSFUL_DELIVERY));
    }

    @Test
    void openCircuitsAndFullQueuesAreBreachesOfTheirWorkerAndPool() {
        MetricsSnapshot s = new MetricsSnapshot(T0, 0, 0, 0, 0, Map.of(),
                Map.of(new WorkerKey("fast", "w1"), 1, new WorkerKey("fast", "w2"), 0, new WorkerKey("fast", "w3"), 2),
                Map.of("fast", new QueueFill(81, 100), "strong", new QueueFill(80, 100)));

        assertThat(AlertRules.breaches(List.of(s), DEFAULTS)).extracting(Breach::kind, Breach::labels)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(AlertKind.WORKER_CIRCUIT_OPEN, Map.of("pool", "fast", "worker", "w1")),
                        org.assertj.core.groups.Tuple.tuple(AlertKind.QUEUE_NEAR_CAPACITY, Map.of("pool", "fast")));
    }

    @Test
    void alertFiresOnceAfterItsHoldTimeStaysQuietWhileFiringAndResolvesOnce() {
        Breach open = new Breach(AlertKind.WORKER_CIRCUIT_OPEN, Map.of("pool", "p", "worker", "w"), 1, "open");
        AlertStates states = AlertStates.EMPTY;
        long millis = 1_700_000_000_000L;
        List<AlertNotice> all = new java.util.ArrayList<>();
        for (int minute = 0; minute <= 8; minute++) {
            var step = states.next(List.of(open), at(Duration.ofMinutes(minute)), millis + minute * 60_000L);
            states = step.states();
            all.addAll(step.notices());
            assertThat(step.notices()).as("minute %d", minute).hasSize(minute == 5 ? 1 : 0);
        }
        assertThat(states.firing()).extracting(Alert::name).containsExactly("SwitchboardWorkerCircuitOpen");

        var cleared = states.next(List.of(), at(Duration.ofMinutes(9)), millis + 9 * 60_000L);
        var stillClear = cleared.states().next(List.of(), at(Duration.ofMinutes(10)), millis + 10 * 60_000L);

        all.addAll(cleared.notices());
        all.addAll(stillClear.notices());
        assertThat(all).extracting(AlertNotice::status)
                .containsExactly(AlertNotice.Status.FIRING, AlertNotice.Status.RESOLVED);
        assertThat(all.getFirst().alert().startedAt().toEpochMilli()).isEqualTo(millis + 5 * 60_000L);
        assertThat(cleared.states().firing()).isEmpty();
    }

    @Test
    void aConditionThatClearsBeforeItsHoldTimeNeverFires() {
        Breach full = new Breach(AlertKind.QUEUE_NEAR_CAPACITY, Map.of("pool", "p"), 0.9, "full");
        var pending = AlertStates.EMPTY.next(List.of(full), at(Duration.ZERO), 0);
        var cleared = pending.states().next(List.of(), at(Duration.ofMinutes(1)), 60_000);
        var again = cleared.states().next(List.of(full), at(Duration.ofMinutes(2)), 120_000);
        var notYet = again.states().next(List.of(full), at(Duration.ofMinutes(3)), 180_000);

        assertThat(List.of(pending, cleared, again, notYet)).allSatisfy(s -> assertThat(s.notices()).isEmpty());
    }
}
