package io.switchboard.demo;

/**
 * The faults a simulated worker injects, changeable while it runs.
 *
 * @param errorRate      share of requests, 0..1, answered with {@code status} instead of a result
 * @param addedLatencyMs added to every answer, on top of the drawn latency
 * @param hang           accept requests and hold them unanswered until hang is turned off
 * @param status         the HTTP status of an injected error, 400..599
 */
public record Faults(double errorRate, long addedLatencyMs, boolean hang, int status) {

    /** The most latency that can be added, so a typo cannot park a worker for a day. */
    public static final long MAX_ADDED_LATENCY_MS = 600_000;

    /** No faults: every request is answered normally; injected errors would be 503. */
    public static final Faults NONE = new Faults(0.0, 0, false, 503);

    public Faults {
        if (!(errorRate >= 0.0 && errorRate <= 1.0)) {
            throw new IllegalArgumentException("error_rate must be between 0 and 1, got " + errorRate);
        }
        if (addedLatencyMs < 0 || addedLatencyMs > MAX_ADDED_LATENCY_MS) {
            throw new IllegalArgumentException("added_latency_ms must be between 0 and " + MAX_ADDED_LATENCY_MS
                    + ", got " + addedLatencyMs);
        }
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("status must be an HTTP error status (400..599), got " + status);
        }
    }

    public Faults withErrorRate(double rate) {
        return new Faults(rate, addedLatencyMs, hang, status);
    }

    public Faults withAddedLatencyMs(long ms) {
        return new Faults(errorRate, ms, hang, status);
    }

    public Faults withHang(boolean on) {
        return new Faults(errorRate, addedLatencyMs, on, status);
    }

    public Faults withStatus(int code) {
        return new Faults(errorRate, addedLatencyMs, hang, code);
    }
}
