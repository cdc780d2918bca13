package io.switchboard.demo;

/**
 * A snapshot of what a simulated worker has done.
 *
 * @param received work requests accepted for answering
 * @param served   answered with a result (200)
 * @param failed   answered with an injected error
 * @param rejected refused as bad input (4xx), never counted as served or failed
 * @param inFlight accepted and not yet answered, hung ones included
 * @param hung     held by the hang fault right now
 */
public record WorkerStats(long received, long served, long failed, long rejected, int inFlight, int hung) {
}
