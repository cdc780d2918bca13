package io.switchboard.dispatch;

/** The cost latency-based selectors compare: {@code (inFlight + 1) * latency}, the wait a new request expects. */
final class ExpectedWait {

    private ExpectedWait() {
    }

    /** Saturates at {@code Long.MAX_VALUE} instead of overflowing. */
    static long of(int inFlight, long latencyNanos) {
        long slots = inFlight + 1L;
        return Math.multiplyHigh(slots, latencyNanos) == 0 && slots * latencyNanos >= 0
                ? slots * latencyNanos : Long.MAX_VALUE;
    }
}
