package io.switchboard.dispatch;

import java.util.List;

/** What every strategy shares: an immutable snapshot of its workers, as a list for callers and an array to scan. */
abstract class SnapshotSelector implements WorkerSelector {

    final List<Worker> list;
    final Worker[] workers;

    SnapshotSelector(List<Worker> workers) {
        this.list = List.copyOf(workers);
        this.workers = this.list.toArray(Worker[]::new);
    }

    @Override
    public final List<Worker> workers() {
        return list;
    }
}
