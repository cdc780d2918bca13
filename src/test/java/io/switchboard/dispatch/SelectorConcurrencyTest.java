package io.switchboard.dispatch;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class SelectorConcurrencyTest {

    private static final int THREADS = 4;
    private static final int ROUNDS = 20_000;

    static List<String> strategies() {
        return SelectorContractTest.strategies().toList();
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void concurrentPicksNeverOverfillAWorkerAndAllSlotsComeBack(String strategy) throws Exception {
        WorkerFixture fixture = new WorkerFixture();
        List<Worker> workers = List.of(fixture.worker("a", 1, 2), fixture.worker("b", 2, 3),
                fixture.worker("c", 1, 1), fixture.worker("d", 3, 2));
        WorkerSelector selector = WorkerSelector.forStrategy(strategy, workers, ThreadLocalRandom.current());
        Map<Worker, AtomicInteger> held = new ConcurrentHashMap<>();
        workers.forEach(w -> held.put(w, new AtomicInteger()));
        AtomicInteger overfilled = new AtomicInteger();
        AtomicInteger placed = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);

        try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                runs.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < ROUNDS; i++) {
                        SelectionContext context = new SelectionContext(i % 3 == 0 ? null : "k" + (i + thread) % 50,
                                Set.of());
                        Worker w = selector.select(context);
                        if (w == null || !w.tryAcquire()) {
                            continue;
                        }
                        placed.incrementAndGet();
                        if (held.get(w).incrementAndGet() > w.maxConcurrency()) {
                            overfilled.incrementAndGet();
                        }
                        held.get(w).decrementAndGet();
                        w.release();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> run : runs) {
                run.get();
            }
        }

        assertThat(overfilled).hasValue(0);
        assertThat(placed.get()).isPositive();
        assertThat(workers).allSatisfy(w -> assertThat(w.inFlight()).isZero());
    }
}
