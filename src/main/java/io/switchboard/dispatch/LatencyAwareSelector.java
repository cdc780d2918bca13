package io.switchboard.dispatch;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The admitted worker with the lowest expected wait, {@code (inFlight + 1) * latency}. A worker without a latency
 * sample yet is tried first, but only while it has nothing in flight: one probe at a time measures it, and a worker
 * that never succeeds (so never gets a sample) cannot draw all the traffic. Busy unmeasured workers come last.
 */
final class LatencyAwareSelector extends SnapshotSelector {

    private final AtomicLong next = new AtomicLong();

    LatencyAwareSelector(List<Worker> workers) {
        super(workers);
    }

    @Override
    public Worker select(SelectionContext context) {
        int n = workers.length;
        if (n == 0) {
            return null;
        }
        // The rotating start makes equal candidates (e.g. several unmeasured idle workers) take turns.
        int start = (int) Math.floorMod(next.getAndIncrement(), (long) n);
        Worker best = null;
        long bestCost = Long.MAX_VALUE;
        Worker busyUnmeasured = null;
        int busyInFlight = Integer.MAX_VALUE;
        for (int k = 0; k < n; k++) {
            Worker w = workers[start + k < n ? start + k : start + k - n];
            long latency = w.latencyNanos();
            int inFlight = w.inFlight();
            if (latency == 0) {
                if (inFlight == 0 && context.admits(w)) {
                    return w;
                }
                if (inFlight < busyInFlight && context.admits(w)) {
                    busyUnmeasured = w;
                    busyInFlight = inFlight;
                }
                continue;
            }
            long cost = ExpectedWait.of(inFlight, latency);
            if (cost < bestCost && context.admits(w)) {
                best = w;
                bestCost = cost;
            }
        }
        return best != null ? best : busyUnmeasured;
    }
}
