package io.switchboard.store;

import io.switchboard.message.Envelope;
import io.switchboard.message.Priority;

/**
 * A classified, routed message to be stored and acknowledged.
 *
 * @param ttlMs      its time to live from {@code acceptedAt}
 * @param acceptedAt epoch milliseconds
 */
public record NewMessage(String id, String requestId, Envelope envelope, String className, Priority priority,
                         String pool, long ttlMs, long acceptedAt) {

    public long deadlineAt() {
        return acceptedAt + ttlMs;
    }
}
