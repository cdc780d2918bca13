package io.switchboard.dispatch;

import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Power of two choices: two distinct random workers, the one with the lower expected wait wins. Comparing just two
 * keeps the herd from stampeding onto whichever worker looked best a moment ago, which a full scan would do.
 */
final class PowerOfTwoSelector extends SnapshotSelector {

    /** Random pairs tried before falling back to a scan of the whole pool. */
    private static final int PAIR_ROUNDS = 3;

    /**
     * Latencies below this count as this, so a few lucky fast samples cannot make a worker look infinitely better,
     * and a worker not yet measured (latency 0) looks as good as the fastest: it gets traffic and so a measurement.
     */
    static final long LATENCY_FLOOR_NANOS = 100_000;

    private final RandomGenerator random;

    PowerOfTwoSelector(List<Worker> workers, RandomGenerator random) {
        super(workers);
        this.random = Objects.requireNonNull(random, "random");
    }

    @Override
    public Worker select(SelectionContext context) {
        int n = workers.length;
        if (n == 0) {
            return null;
        }
        if (n == 1) {
            return context.admits(workers[0]) ? workers[0] : null;
        }
        // A few fresh pairs before scanning: with a fifth of a large pool unusable, the scan (O(n)) is then rare.
        int i = 0;
        for (int round = 0; round < PAIR_ROUNDS; round++) {
            i = random.nextInt(n);
            int j = random.nextInt(n - 1);
            if (j >= i) {
                j++;
            }
            Worker a = workers[i];
            Worker b = workers[j];
            boolean aOk = context.admits(a);
            boolean bOk = context.admits(b);
            if (aOk && bOk) {
                return cost(b) < cost(a) ? b : a;
            }
            if (aOk) {
                return a;
            }
            if (bOk) {
                return b;
            }
        }
        return cheapestAdmitted(context, i);
    }

    private Worker cheapestAdmitted(SelectionContext context, int start) {
        int n = workers.length;
        Worker best = null;
        long bestCost = Long.MAX_VALUE;
        for (int k = 1; k < n; k++) {
            Worker w = workers[(start + k) % n];
            long c = cost(w);
            if (c < bestCost && context.admits(w)) {
                best = w;
                bestCost = c;
            }
        }
        return best;
    }

    private static long cost(Worker w) {
        return ExpectedWait.of(w.inFlight(), Math.max(w.latencyNanos(), LATENCY_FLOOR_NANOS));
    }
}
