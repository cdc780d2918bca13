package io.switchboard.dispatch;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.switchboard.dispatch.WorkerFixture.pickCounts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class WeightedRoundRobinSelectorTest {

    private final WorkerFixture fixture = new WorkerFixture();

    @Test
    void splitsPicksThreeToOneByWeight() {
        WorkerSelector selector = WorkerSelector.weightedRoundRobin(
                List.of(fixture.worker("heavy", 3, 16), fixture.worker("light", 1, 16)));

        Map<String, Integer> counts = pickCounts(selector, SelectionContext.none(), 10_000);

        assertThat(counts.get("heavy")).isBetween(7300, 7700);
        assertThat(counts.get("light")).isBetween(2300, 2700);
    }

    @Test
    void interleavesLightWorkersBetweenTheHeavyOnesInsteadOfBursting() {
        WorkerSelector selector = WorkerSelector.weightedRoundRobin(List.of(
                fixture.worker("a", 5, 16), fixture.worker("b", 1, 16), fixture.worker("c", 1, 16)));
        List<String> picks = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            picks.add(selector.select(SelectionContext.none()).id());
        }

        for (int i = 0; i + 7 <= picks.size(); i++) {
            assertThat(picks.subList(i, i + 7)).as("window at %d", i).contains("b", "c");
        }
        int longestRunOfA = 0;
        int run = 0;
        for (String id : picks) {
            run = id.equals("a") ? run + 1 : 0;
            longestRunOfA = Math.max(longestRunOfA, run);
        }
        assertThat(longestRunOfA).isLessThanOrEqualTo(4);
    }

    @Test
    void reducesWeightsByTheirGreatestCommonDivisor() {
        assertThat(WeightedRoundRobinSelector.normalize(new int[] {600, 200, 400})).containsExactly(3, 1, 2);
    }

    @Test
    void capsTheScheduleLengthButKeepsEveryWorkerInIt() {
        int[] weights = WeightedRoundRobinSelector.normalize(new int[] {1_000_000, 999_999, 1});
        int[] schedule = WeightedRoundRobinSelector.smoothSchedule(weights);

        assertThat(schedule.length).isLessThanOrEqualTo(WeightedRoundRobinSelector.MAX_SCHEDULE + 3);
        assertThat(schedule).contains(0, 1, 2);
    }

    @Test
    void hasAFullWorkersTurnsTakenByTheOthersInProportionToWeight() {
        Worker big = fixture.worker("big", 4, 1);
        WorkerFixture.fill(big);
        WorkerSelector selector = WorkerSelector.weightedRoundRobin(List.of(
                big, fixture.worker("two", 2, 16), fixture.worker("one", 1, 16)));

        Map<String, Integer> counts = pickCounts(selector, SelectionContext.none(), 3000);

        assertThat(counts).containsOnlyKeys("two", "one");
        assertThat(counts.get("two")).isBetween(1900, 2100);
    }

    @Test
    void rejectsWeightsBelowOne() {
        Worker zero = fixture.worker("zero", 0, 16);

        assertThatIllegalArgumentException()
                .isThrownBy(() -> WorkerSelector.weightedRoundRobin(List.of(zero)))
                .withMessageContaining("zero");
    }
}
