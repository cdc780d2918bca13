package io.switchboard.deliver;

import java.time.Duration;

/** The result of one delivery attempt: a value, never an exception. */
public sealed interface Outcome {

    /** The worker answered 2xx with JSON; {@code body} is that JSON, passed through unchanged. */
    record Delivered(int status, byte[] body) implements Outcome {
    }

    /** The attempt failed in a way another attempt may fix (5xx, 429, timeout, connection error). */
    record Retryable(ErrorCategory category, String detail, Duration retryAfter) implements Outcome {
    }

    /** The attempt failed in a way no retry fixes (4xx other than 429, a 2xx that is not JSON). */
    record Fatal(ErrorCategory category, int status, String detail) implements Outcome {
    }
}
