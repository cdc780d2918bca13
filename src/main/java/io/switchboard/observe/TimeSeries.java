package io.switchboard.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Messages per time slot (2 s) for the last five minutes: how many ended, how many failed, and a log-scaled latency
 * histogram of the delivered ones, so rates and percentiles can be read for any recent window and drawn over time.
 *
 * <p>Recording is lock-free: a slot that has aged out is replaced by compare-and-set. A writer that loses that race
 * against a slot five minutes newer drops its sample, which is harmless for a dashboard.
 */
final class TimeSeries {

    static final long SLOT_NANOS = TimeUnit.SECONDS.toNanos(2);
    static final int HISTORY_SLOTS = 150;
    /** Histogram buckets: four per doubling from 50 µs, the last one open-ended (beyond about five minutes). */
    private static final int BUCKETS = 96;
    private static final double FLOOR_NANOS = 50_000;
    private static final double PER_DOUBLING = 4;

    private static final class Slot {
        final long index;
        final AtomicLong count = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLongArray latency = new AtomicLongArray(BUCKETS);

        Slot(long index) {
            this.index = index;
        }
    }

    /** What a window holds. */
    record Window(long count, long errors, long[] latency, long spanNanos) {
        Double errorRate() {
            return count == 0 ? null : Rounding.share((double) errors / count);
        }

        double perSecond() {
            return Rounding.perSecond(count / Math.max(1e-9, spanNanos / 1e9));
        }

        /** The {@code q}-quantile of delivered latency in milliseconds, or null when nothing was delivered. */
        Double percentileMillis(double q) {
            long total = 0;
            for (long c : latency) {
                total += c;
            }
            if (total == 0) {
                return null;
            }
            long rank = (long) Math.ceil(q * total);
            long seen = 0;
            for (int i = 0; i < latency.length; i++) {
                seen += latency[i];
                if (seen >= rank) {
                    return Rounding.millis(representative(i));
                }
            }
            return Rounding.millis(representative(latency.length - 1));
        }
    }

    private final long originNanos;
    private final AtomicReferenceArray<Slot> ring = new AtomicReferenceArray<>(HISTORY_SLOTS + 1);

    TimeSeries(long originNanos) {
        this.originNanos = originNanos;
    }

    void record(long nowNanos, boolean error, long latencyNanos) {
        Slot s = slot(index(nowNanos));
        if (s == null) {
            return;
        }
        s.count.incrementAndGet();
        if (error) {
            s.errors.incrementAndGet();
        } else {
            s.latency.incrementAndGet(bucket(latencyNanos));
        }
    }

    /** The last {@code slots} slots up to and including the current, partly elapsed one. */
    Window recent(long nowNanos, int slots) {
        long current = index(nowNanos);
        long first = Math.max(0, current - slots + 1);
        return sum(first, current, Math.max(0, nowNanos - originNanos) - first * SLOT_NANOS);
    }

    /** A finished slot: how long ago it ended, and what it holds. */
    record Point(long endedNanosAgo, Window window) {
    }

    /** One point per finished slot of the last five minutes (none before the engine started), oldest first. */
    List<Point> history(long nowNanos) {
        long current = index(nowNanos);
        long elapsed = Math.max(0, nowNanos - originNanos);
        List<Point> points = new ArrayList<>(HISTORY_SLOTS);
        for (long i = Math.max(0, current - HISTORY_SLOTS); i < current; i++) {
            points.add(new Point(elapsed - (i + 1) * SLOT_NANOS, sum(i, i, SLOT_NANOS)));
        }
        return points;
    }

    private Window sum(long from, long to, long spanNanos) {
        long count = 0;
        long errors = 0;
        long[] latency = new long[BUCKETS];
        for (long i = from; i <= to; i++) {
            Slot s = ring.get((int) (i % ring.length()));
            if (s == null || s.index != i) {
                continue;
            }
            count += s.count.get();
            errors += s.errors.get();
            for (int b = 0; b < BUCKETS; b++) {
                latency[b] += s.latency.get(b);
            }
        }
        return new Window(count, errors, latency, spanNanos);
    }

    private long index(long nowNanos) {
        return Math.max(0, nowNanos - originNanos) / SLOT_NANOS;
    }

    private Slot slot(long index) {
        int at = (int) (index % ring.length());
        while (true) {
            Slot s = ring.get(at);
            if (s != null && s.index == index) {
                return s;
            }
            if (s != null && s.index > index) {
                return null;
            }
            Slot fresh = new Slot(index);
            if (ring.compareAndSet(at, s, fresh)) {
                return fresh;
            }
        }
    }

    static int bucket(long nanos) {
        if (nanos <= FLOOR_NANOS) {
            return 0;
        }
        int b = (int) Math.ceil(Math.log(nanos / FLOOR_NANOS) / Math.log(2) * PER_DOUBLING);
        return Math.min(BUCKETS - 1, b);
    }

    /** The geometric middle of a bucket, so a percentile is off by at most about 9 %. */
    static double representative(int bucket) {
        double upper = FLOOR_NANOS * Math.pow(2, bucket / PER_DOUBLING);
        return bucket == 0 ? upper : upper * Math.pow(2, -0.5 / PER_DOUBLING);
    }
}
