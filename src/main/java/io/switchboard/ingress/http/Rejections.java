package io.switchboard.ingress.http;

import io.switchboard.ingress.IngressMetrics.Rejection;

/**
 * Which answers count as refused requests, and why; everything else (2xx, 401 and 403, which count by key, 404, 405,
 * 500, 502) is not a rejection.
 */
final class Rejections {

    private Rejections() {
    }

    /** The rejection {@code problem} stands for, or null. */
    static Rejection of(Problem problem) {
        return switch (problem.status()) {
            case 400, 408, 413, 415, 422 -> Rejection.INVALID;
            case 429 -> "rate-limited".equals(problem.slug()) ? Rejection.RATE_LIMITED : Rejection.OVERLOAD;
            case 503 -> switch (problem.slug()) {
                case "no-worker" -> Rejection.NO_WORKER;
                case "store-unavailable" -> Rejection.STORE;
                default -> Rejection.SHUTDOWN;
            };
            case 504 -> Rejection.EXPIRED;
            default -> null;
        };
    }
}
