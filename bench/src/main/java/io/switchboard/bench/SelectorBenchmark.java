package io.switchboard.bench;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.switchboard.dispatch.SelectionContext;
import io.switchboard.dispatch.Worker;
import io.switchboard.dispatch.WorkerSelector;
import io.switchboard.time.Ticker;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Picking a worker with each selection strategy over pools of 5 and 500 workers, where one worker in five is at its
 * concurrency limit, one in five has an open circuit and the rest have 1 to 7 requests in flight (a busy pool: no
 * worker is idle) and latencies of 20 to 200 ms. {@code select} only picks; {@code selectAcquireRelease}
 * is what a dispatcher does per message (pick, take a slot, give it back), alone and with two threads contending
 * for the same workers.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SelectorBenchmark {

    /** Affinity keys in rotation for consistent hashing; a power of two so the index is a mask. */
    private static final int KEYS = 1024;
    /** Far beyond any run, so open circuits never start admitting probes mid-benchmark. */
    private static final long OPEN_NANOS = TimeUnit.HOURS.toNanos(1);

    @Param({"round-robin", "weighted-round-robin", "least-loaded", "power-of-two", "latency-aware",
            "consistent-hash"})
    public String strategy;

    @Param({"5", "500"})
    public int workers;

    private WorkerSelector selector;
    private SelectionContext[] contexts;

    /** Each thread's own position in the context rotation. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    @Setup
    public void setUp() {
        Ticker ticker = Ticker.system();
        List<Worker> pool = new ArrayList<>(workers);
        for (int i = 0; i < workers; i++) {
            String id = "w" + i;
            boolean saturated = i % 5 == 1;
            Worker w = new Worker(id, "bench", URI.create("http://10.0.0." + (i % 250) + ":8080/work"),
                    1 + i % 3, saturated ? 4 : 256,
                    CircuitBreaker.of(id, CircuitBreakerConfig.ofDefaults()), ticker, OPEN_NANOS);
            w.recordLatency(TimeUnit.MILLISECONDS.toNanos(20 + (i * 37L) % 180));
            // Every worker has something in flight, as in a loaded pool, so no scan can stop early at an idle one.
            int busy = saturated ? 4 : 1 + i % 7;
            for (int s = 0; s < busy; s++) {
                if (!w.tryAcquire()) {
                    throw new IllegalStateException("could not take slot " + s + " of " + id);
                }
            }
            if (i % 5 == 3) {
                w.breaker().transitionToOpenState();
            }
            pool.add(w);
        }
        selector = WorkerSelector.forStrategy(strategy, List.copyOf(pool), ThreadLocalRandom.current());
        contexts = new SelectionContext[KEYS];
        for (int k = 0; k < KEYS; k++) {
            contexts[k] = strategy.equals("consistent-hash")
                    ? new SelectionContext("session-" + Integer.toHexString(k * 0x9E3779B1), Set.of())
                    : SelectionContext.none();
        }
        if (selector.select(contexts[0]) == null) {
            throw new IllegalStateException(strategy + " found no usable worker among " + workers);
        }
    }

    @Benchmark
    @Threads(1)
    public Worker select(Cursor cursor) {
        return selector.select(contexts[cursor.next++ & (KEYS - 1)]);
    }

    @Benchmark
    @Threads(1)
    public Worker selectAcquireRelease(Cursor cursor) {
        return dispatchOnce(cursor);
    }

    @Benchmark
    @Threads(2)
    public Worker selectAcquireReleaseContended(Cursor cursor) {
        return dispatchOnce(cursor);
    }

    private Worker dispatchOnce(Cursor cursor) {
        Worker w = selector.select(contexts[cursor.next++ & (KEYS - 1)]);
        // The other thread may have taken the last slot between select and acquire; that is part of the cost.
        if (w != null && w.tryAcquire()) {
            w.release();
        }
        return w;
    }
}
