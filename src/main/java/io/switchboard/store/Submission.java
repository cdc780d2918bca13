package io.switchboard.store;

/** How a store answered a submission. */
public sealed interface Submission {

    /** Stored (and on disk, when the store is configured to fsync): the producer may forget it. */
    record Accepted(StoredMessage message) implements Submission {
    }

    /** The idempotency key already names {@code existing}; nothing new was stored. */
    record Duplicate(StoredMessage existing) implements Submission {
    }

    /** Not stored: the store is full, slow or failing. The producer should retry after {@code retryAfterSeconds}. */
    record Refused(String reason, int retryAfterSeconds) implements Submission {
    }
}
