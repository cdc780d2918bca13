package io.switchboard.deliver;

/**
 * Where one delivery spent its time, filled in by {@link DeliveryChain} for the caller's slow-request log and
 * overhead figures. Confined to the delivering thread.
 */
public final class StageTimes {

    long queueWaitNanos;
    long workerNanos;
    long backoffNanos;

    /** Time spent waiting for a free worker, over all attempts. */
    public long queueWaitNanos() {
        return queueWaitNanos;
    }

    /** Time spent in exchanges with workers, over all attempts. */
    public long workerNanos() {
        return workerNanos;
    }

    /** Time spent backing off between attempts. */
    public long backoffNanos() {
        return backoffNanos;
    }
}
