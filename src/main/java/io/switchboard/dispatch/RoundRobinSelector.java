package io.switchboard.dispatch;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Workers in turn; a skipped worker's turn passes to the next admitted one without doubling its share. */
final class RoundRobinSelector extends SnapshotSelector {

    private final AtomicLong next = new AtomicLong();

    RoundRobinSelector(List<Worker> workers) {
        super(workers);
    }

    @Override
    public Worker select(SelectionContext context) {
        int n = workers.length;
        if (n == 0) {
            return null;
        }
        long turn = next.getAndIncrement();
        int start = (int) Math.floorMod(turn, (long) n);
        for (int k = 0; k < n; k++) {
            Worker w = workers[start + k < n ? start + k : start + k - n];
            if (context.admits(w)) {
                if (k > 0) {
                    // Move the cursor past the skipped workers, or the worker after a gap would take every turn
                    // that lands in the gap. Losing the race to another thread only costs a little evenness.
                    next.compareAndSet(turn + 1, turn + 1 + k);
                }
                return w;
            }
        }
        return null;
    }
}
