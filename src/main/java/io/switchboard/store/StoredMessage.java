package io.switchboard.store;

import io.switchboard.message.Envelope;
import io.switchboard.message.Priority;

import java.util.List;

/**
 * An asynchronous message as the store holds it. Times are epoch milliseconds, so they survive restarts.
 *
 * @param id             the message id
 * @param requestId      the request id of its submission, carried to workers
 * @param envelope       what the producer sent, or null when the stored form could not be read
 * @param className      its class
 * @param priority       its priority
 * @param pool           the pool it was routed to (the last pool tried once attempts were made)
 * @param status         where it is in its life
 * @param attempts       attempts that reached a worker, in all delivery rounds
 * @param replays        how often it was replayed from the dead-letter queue
 * @param ttlMs          its time to live, restarted by a replay
 * @param acceptedAt     when it was stored
 * @param updatedAt      when it last changed
 * @param deadlineAt     after this it is never delivered
 * @param notBefore      it is not delivered before this (backoff between rounds)
 * @param finishedAt     when it was delivered or dead-lettered, else 0
 * @param worker         the last worker it went to, or null
 * @param errors         every failed attempt, oldest first
 * @param result         the worker's JSON answer once delivered, else null
 * @param deadReason     why it was dead-lettered, else null
 * @param idempotencyKey the producer's key, or null
 */
public record StoredMessage(String id, String requestId, Envelope envelope, String className, Priority priority,
                            String pool, MessageStatus status, int attempts, int replays, long ttlMs, long acceptedAt,
                            long updatedAt, long deadlineAt, long notBefore, long finishedAt, String worker,
                            List<AttemptError> errors, byte[] result, DeadLetterReason deadReason,
                            String idempotencyKey) {

    public StoredMessage {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    /** The newest failed attempt, or null. */
    public AttemptError lastError() {
        return errors.isEmpty() ? null : errors.get(errors.size() - 1);
    }

    /** Whether its deadline has passed at {@code nowMillis}. */
    public boolean isExpired(long nowMillis) {
        return nowMillis >= deadlineAt;
    }
}
