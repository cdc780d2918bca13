package io.switchboard.dispatch;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Weighted turns from a precomputed smooth schedule (nginx's smooth weighted round-robin): weights 5:1:1 give
 * {@code a a b a c a a} rather than five a's in a row. Weights are reduced by their gcd and scaled down when the
 * schedule would exceed {@link #MAX_SCHEDULE} entries.
 */
final class WeightedRoundRobinSelector extends SnapshotSelector {

    static final int MAX_SCHEDULE = 4096;

    /** Indexes into {@link #workers}, one per turn. */
    private final int[] schedule;
    private final AtomicLong next = new AtomicLong();

    WeightedRoundRobinSelector(List<Worker> workers) {
        super(workers);
        int[] weights = new int[this.workers.length];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = this.workers[i].weight();
            if (weights[i] < 1) {
                throw new IllegalArgumentException("worker " + this.workers[i].id() + " has weight " + weights[i]
                        + "; weights must be at least 1");
            }
        }
        this.schedule = smoothSchedule(normalize(weights));
    }

    @Override
    public Worker select(SelectionContext context) {
        int n = workers.length;
        if (n == 0) {
            return null;
        }
        int len = schedule.length;
        long turn = next.getAndIncrement();
        int pos = (int) Math.floorMod(turn, (long) len);
        // Walking on along the schedule hands a skipped worker's turns out in proportion to the others' weights.
        for (int k = 0; k < n; k++) {
            Worker w = workers[schedule[pos + k < len ? pos + k : (pos + k) % len]];
            if (context.admits(w)) {
                if (k > 0) {
                    next.compareAndSet(turn + 1, turn + 1 + k);
                }
                return w;
            }
        }
        // The admitted workers have few turns here (low weight); find one by a plain rotating scan.
        int start = schedule[pos];
        for (int k = 1; k <= n; k++) {
            Worker w = workers[(start + k) % n];
            if (context.admits(w)) {
                return w;
            }
        }
        return null;
    }

    static int[] normalize(int[] weights) {
        int[] w = weights.clone();
        int g = 0;
        for (int x : w) {
            g = gcd(g, x);
        }
        long total = 0;
        for (int i = 0; i < w.length; i++) {
            w[i] /= g;
            total += w[i];
        }
        if (total > MAX_SCHEDULE) {
            // Every worker keeps at least one turn, so the schedule can exceed the cap by at most the worker count.
            for (int i = 0; i < w.length; i++) {
                w[i] = (int) Math.max(1, Math.round((double) w[i] * MAX_SCHEDULE / total));
            }
        }
        return w;
    }

    static int[] smoothSchedule(int[] weights) {
        int total = 0;
        for (int x : weights) {
            total += x;
        }
        int[] schedule = new int[total];
        long[] current = new long[weights.length];
        for (int t = 0; t < total; t++) {
            int best = 0;
            for (int i = 0; i < weights.length; i++) {
                current[i] += weights[i];
                if (current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            schedule[t] = best;
        }
        return schedule;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
