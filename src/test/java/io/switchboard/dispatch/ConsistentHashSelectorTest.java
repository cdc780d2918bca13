package io.switchboard.dispatch;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class ConsistentHashSelectorTest {

    private static final int KEYS = 10_000;

    private final WorkerFixture fixture = new WorkerFixture();

    private static SelectionContext key(String k) {
        return new SelectionContext(k, Set.of());
    }

    @Test
    void sendsTheSameKeyToTheSameWorkerEveryTime() {
        List<Worker> workers = fixture.workers(5);
        WorkerSelector selector = WorkerSelector.consistentHash(workers);
        WorkerSelector rebuiltInAnotherOrder = WorkerSelector.consistentHash(workers.reversed());

        for (int i = 0; i < 1000; i++) {
            Worker first = selector.select(key("user-" + i));
            assertThat(selector.select(key("user-" + i))).isSameAs(first);
            assertThat(rebuiltInAnotherOrder.select(key("user-" + i))).isSameAs(first);
        }
    }

    @Test
    void spreadsKeysRoughlyEvenly() {
        WorkerSelector selector = WorkerSelector.consistentHash(fixture.workers(5));

        Map<String, Integer> counts = new TreeMap<>();
        for (int i = 0; i < KEYS; i++) {
            counts.merge(selector.select(key("session-" + i)).id(), 1, Integer::sum);
        }

        assertThat(counts).hasSize(5).allSatisfy((id, n) -> assertThat(n).isBetween(1600, 2400));
    }

    @Test
    void givesADoubleWeightWorkerAboutTwiceTheKeys() {
        WorkerSelector selector = WorkerSelector.consistentHash(List.of(
                fixture.worker("double", 2, 16), fixture.worker("a"), fixture.worker("b")));

        int doubled = 0;
        for (int i = 0; i < KEYS; i++) {
            if (selector.select(key("k" + i)).id().equals("double")) {
                doubled++;
            }
        }

        assertThat(doubled).isBetween(4500, 5500);
    }

    @Test
    void addingAWorkerRemapsOnlyItsShareOfKeysAndOnlyToItself() {
        List<Worker> five = fixture.workers(5);
        List<Worker> six = new ArrayList<>(five);
        six.add(fixture.worker("w5"));
        WorkerSelector before = WorkerSelector.consistentHash(five);
        WorkerSelector after = WorkerSelector.consistentHash(six);

        int moved = 0;
        for (int i = 0; i < KEYS; i++) {
            Worker was = before.select(key("order-" + i));
            Worker now = after.select(key("order-" + i));
            if (was != now) {
                moved++;
                assertThat(now.id()).isEqualTo("w5");
            }
        }

        assertThat(moved).isPositive().isLessThanOrEqualTo((int) (KEYS * (1.0 / 6 + 0.02)));
    }

    @Test
    void movesAKeyOffItsUnusableWorkerAndBackWhenItRecovers() {
        List<Worker> workers = fixture.workers(5);
        WorkerSelector selector = WorkerSelector.consistentHash(workers);
        Worker home = selector.select(key("tenant-42"));

        home.breaker().transitionToOpenState();
        Worker elsewhere = selector.select(key("tenant-42"));
        assertThat(elsewhere).isNotNull().isNotSameAs(home);
        assertThat(selector.select(key("tenant-42"))).as("sticky while away").isSameAs(elsewhere);

        home.breaker().transitionToClosedState();
        assertThat(selector.select(key("tenant-42"))).isSameAs(home);

        WorkerFixture.fill(home);
        assertThat(selector.select(key("tenant-42"))).isSameAs(elsewhere);
        home.release();
        assertThat(selector.select(key("tenant-42"))).isSameAs(home);
    }

    @Test
    void probesAnOpenWorkerAgainOnceItsOpenPeriodHasPassed() {
        WorkerSelector selector = WorkerSelector.consistentHash(fixture.workers(3));
        Worker home = selector.select(key("k"));
        home.breaker().transitionToOpenState();
        assertThat(selector.select(key("k"))).isNotSameAs(home);

        fixture.ticker.advanceNanos(WorkerFixture.OPEN_NANOS);

        assertThat(selector.select(key("k"))).isSameAs(home);
    }

    @Test
    void spreadsMessagesWithoutAKeyRoundRobin() {
        WorkerSelector selector = WorkerSelector.consistentHash(fixture.workers(4));

        assertThat(WorkerFixture.pickCounts(selector, SelectionContext.none(), 400))
                .containsOnlyKeys("w0", "w1", "w2", "w3").allSatisfy((id, n) -> assertThat(n).isEqualTo(100));
    }

    @Test
    void hashesNearbyKeysFarApart() {
        long a = ConsistentHashSelector.hash64("key-1");
        long b = ConsistentHashSelector.hash64("key-2");

        assertThat(Long.bitCount(a ^ b)).isBetween(16, 48);
        assertThat(ConsistentHashSelector.hash64("key-1")).isEqualTo(a);
    }
}
