package io.switchboard.observe;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The last {@value #SIZE} latencies, written lock-free and read rarely: a percentile sorts a copy. A reader racing a
 * writer may see one slot from the round before, which a dashboard figure tolerates.
 */
final class LatencyRing {

    static final int SIZE = 256;

    private final AtomicLongArray nanos = new AtomicLongArray(SIZE);
    private final AtomicLong written = new AtomicLong();

    void record(long latencyNanos) {
        long n = written.getAndIncrement();
        nanos.set((int) (n % SIZE), Math.max(0, latencyNanos));
    }

    /** The {@code q}-quantile (0..1) in milliseconds rounded to 0.1, or null before the first sample. */
    Double percentileMillis(double q) {
        int count = (int) Math.min(written.get(), SIZE);
        if (count == 0) {
            return null;
        }
        long[] copy = new long[count];
        for (int i = 0; i < count; i++) {
            copy[i] = nanos.get(i);
        }
        Arrays.sort(copy);
        int rank = (int) Math.ceil(q * count) - 1;
        return Rounding.millis(copy[Math.max(0, Math.min(count - 1, rank))]);
    }
}
