package io.switchboard.demo;

import java.util.Map;

/**
 * A snapshot of the traffic generator's counters.
 *
 * @param sent            requests started
 * @param ok              answered 2xx
 * @param failedByStatus  non-2xx answers by HTTP status
 * @param transportErrors no HTTP answer: connection refused or reset, timed out
 * @param skipped         ticks that sent nothing because the engine was unreachable (backing off) or all slots were busy
 */
public record TrafficStats(long sent, long ok, Map<Integer, Long> failedByStatus, long transportErrors, long skipped) {

    public TrafficStats {
        failedByStatus = Map.copyOf(failedByStatus);
    }

    /** Every request that did not end in a 2xx answer. */
    public long failed() {
        return failedByStatus.values().stream().mapToLong(Long::longValue).sum() + transportErrors;
    }

    /** Requests started and not yet finished. */
    public long outstanding() {
        return sent - ok - failed();
    }
}
