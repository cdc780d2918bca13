package io.switchboard.dispatch;

import io.switchboard.testing.FakeTicker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Builds real workers whose circuit breakers read a shared fake ticker. */
final class WorkerFixture {

    static final long OPEN_NANOS = Duration.ofSeconds(30).toNanos();

    final FakeTicker ticker;

    WorkerFixture(FakeTicker ticker) {
        this.ticker = ticker;
    }

    WorkerFixture() {
        this(FakeTicker.create());
    }

    Worker worker(String id) {
        return worker(id, 1, 16);
    }

    Worker worker(String id, int weight, int maxConcurrency) {
        CircuitBreaker breaker = CircuitBreaker.of(id, CircuitBreakerConfig.custom()
                .waitDurationInOpenState(Duration.ofNanos(OPEN_NANOS))
                .clock(ticker.asClock())
                .build());
        return new Worker(id, "pool", URI.create("http://127.0.0.1:9000/" + id), weight, maxConcurrency, breaker,
                ticker, OPEN_NANOS);
    }

    /** Workers {@code w0 .. w(n-1)}, weight 1, 16 slots each. */
    List<Worker> workers(int n) {
        List<Worker> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(worker("w" + i));
        }
        return List.copyOf(list);
    }

    /** How often each worker id is picked in {@code n} selections; a null pick counts under "none". */
    static Map<String, Integer> pickCounts(WorkerSelector selector, SelectionContext context, int n) {
        Map<String, Integer> counts = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            Worker w = selector.select(context);
            counts.merge(w == null ? "none" : w.id(), 1, Integer::sum);
        }
        return counts;
    }

    /** Takes every free slot of {@code w}. */
    static void fill(Worker w) {
        while (w.tryAcquire()) {
            // keep taking
        }
    }
}
