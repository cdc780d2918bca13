package io.switchboard.dispatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** What every strategy promises, whatever its algorithm. */
class SelectorContractTest {

    private final WorkerFixture fixture = new WorkerFixture();

    static Stream<String> strategies() {
        return Stream.of("round-robin", "weighted-round-robin", "least-loaded", "power-of-two", "latency-aware",
                "consistent-hash");
    }

    private static WorkerSelector selector(String strategy, List<Worker> workers) {
        return WorkerSelector.forStrategy(strategy, workers, new SplittableRandom(11));
    }

    private static List<SelectionContext> contexts(Set<Worker> avoid) {
        return List.of(new SelectionContext(null, avoid), new SelectionContext("key-a", avoid),
                new SelectionContext("key-b", avoid));
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void returnsNullWhenEveryWorkerIsFullOpenOrAvoided(String strategy) {
        List<Worker> workers = fixture.workers(4);
        WorkerFixture.fill(workers.get(0));
        workers.get(1).breaker().transitionToOpenState();
        workers.get(2).breaker().transitionToForcedOpenState();
        WorkerSelector selector = selector(strategy, workers);

        for (SelectionContext context : contexts(Set.of(workers.get(3)))) {
            for (int i = 0; i < 20; i++) {
                assertThat(selector.select(context)).isNull();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void neverPicksAnAvoidedWorker(String strategy) {
        List<Worker> workers = fixture.workers(4);
        WorkerSelector selector = selector(strategy, workers);

        for (SelectionContext context : contexts(Set.of(workers.get(0), workers.get(2)))) {
            for (int i = 0; i < 100; i++) {
                assertThat(selector.select(context)).isIn(workers.get(1), workers.get(3));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void picksTheOneAdmittedWorkerWhenTheRestAreRefused(String strategy) {
        List<Worker> workers = fixture.workers(5);
        for (int i = 0; i < 5; i++) {
            if (i != 3) {
                workers.get(i).breaker().transitionToOpenState();
            }
        }
        WorkerSelector selector = selector(strategy, workers);

        for (SelectionContext context : contexts(Set.of())) {
            for (int i = 0; i < 100; i++) {
                assertThat(selector.select(context)).isSameAs(workers.get(3));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void returnsNullForAnEmptyPoolAndReportsItsWorkers(String strategy) {
        assertThat(selector(strategy, List.of()).select(SelectionContext.none())).isNull();
        List<Worker> workers = fixture.workers(3);
        assertThat(selector(strategy, workers).workers()).containsExactlyElementsOf(workers);
    }

    @Test
    void rejectsAnUnknownStrategyName() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> WorkerSelector.forStrategy("fastest", fixture.workers(1), new SplittableRandom()))
                .withMessageContaining("fastest").withMessageContaining("least-loaded");
    }
}
