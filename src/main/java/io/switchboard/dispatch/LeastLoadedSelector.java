package io.switchboard.dispatch;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** The admitted worker with the lowest in-flight share; the scan starts at a rotating index so ties take turns. */
final class LeastLoadedSelector extends SnapshotSelector {

    private final AtomicLong next = new AtomicLong();

    LeastLoadedSelector(List<Worker> workers) {
        super(workers);
    }

    @Override
    public Worker select(SelectionContext context) {
        int n = workers.length;
        if (n == 0) {
            return null;
        }
        int start = (int) Math.floorMod(next.getAndIncrement(), (long) n);
        Worker best = null;
        long bestInFlight = 0;
        long bestMax = 1;
        for (int k = 0; k < n; k++) {
            Worker w = workers[start + k < n ? start + k : start + k - n];
            long inFlight = w.inFlight();
            // inFlight / max < bestInFlight / bestMax, without division
            if ((best == null || inFlight * bestMax < bestInFlight * w.concurrencyLimit()) && context.admits(w)) {
                best = w;
                bestInFlight = inFlight;
                bestMax = w.concurrencyLimit();
                if (inFlight == 0) {
                    break;
                }
            }
        }
        return best;
    }
}
