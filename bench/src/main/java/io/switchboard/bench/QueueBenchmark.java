package io.switchboard.bench;

import io.switchboard.message.Priority;
import io.switchboard.queue.PendingQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One offer and one poll on a pending queue held at a steady depth of 10 or 10,000 entries, with mixed priorities
 * and aging. Time advances 1 µs per operation on a manual ticker. One entry in sixteen arrives already expired and
 * one in sixteen has a deadline short enough to pass while it waits, so the poll's expiry sweep has work; when
 * expiries shrink the queue the operation tops it back up to its depth (one more offer per expired entry).
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
public class QueueBenchmark {

    private static final long STEP_NANOS = TimeUnit.MICROSECONDS.toNanos(1);
    private static final long AGING_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long LONG_TTL_NANOS = TimeUnit.HOURS.toNanos(1);
    private static final int ELEMENTS = 1024;

    private static final Priority C = Priority.CRITICAL;
    private static final Priority H = Priority.HIGH;
    private static final Priority N = Priority.NORMAL;
    private static final Priority L = Priority.LOW;
    /** Arrival mix: 1 critical, 3 high, 8 normal, 4 low in every 16. */
    private static final Priority[] PRIORITIES = {N, H, N, L, C, N, L, N, H, N, N, L, N, H, N, L};

    @Param({"10", "10000"})
    public int depth;

    private ManualTicker ticker;
    private PendingQueue<Object> queue;
    private long[] ttls;
    private Object[] elements;
    private int next;
    private long expired;
    private final Consumer<Object> expiredSink = e -> expired++;

    @Setup
    public void setUp() {
        ticker = new ManualTicker(1_000_000_000L);
        queue = new PendingQueue<>(2 * depth + 16, AGING_NANOS, ticker);
        ttls = new long[PRIORITIES.length];
        for (int i = 0; i < ttls.length; i++) {
            ttls[i] = switch (i) {
                case 5 -> -STEP_NANOS;
                case 11 -> (depth / 2 + 1) * STEP_NANOS;
                default -> LONG_TTL_NANOS;
            };
        }
        elements = new Object[ELEMENTS];
        for (int i = 0; i < ELEMENTS; i++) {
            elements[i] = "message-" + i;
        }
        while (queue.size() < depth) {
            topUp();
        }
    }

    @Benchmark
    public Object offerPoll() {
        ticker.advance(STEP_NANOS);
        int i = next++;
        queue.offer(elements[i & (ELEMENTS - 1)], PRIORITIES[i & 15], ticker.nanoTime() + ttls[i & 15], expiredSink);
        Object polled = queue.poll(expiredSink);
        while (queue.size() < depth) {
            topUp();
        }
        return polled;
    }

    private void topUp() {
        int i = next++;
        queue.offer(elements[i & (ELEMENTS - 1)], PRIORITIES[i & 15], ticker.nanoTime() + LONG_TTL_NANOS, expiredSink);
    }
}
