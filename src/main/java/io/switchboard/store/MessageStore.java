package io.switchboard.store;

import java.util.List;
import java.util.Optional;

/**
 * The durable queue of asynchronous messages: what was accepted stays here until it is delivered or dead-lettered.
 * Settling a message and writing its completion events happen in one transaction.
 */
public interface MessageStore {

    /**
     * Stores {@code message}, or answers the message its idempotency key already names (within the window). Returns
     * {@link Submission.Accepted} only once the message is durable; never blocks longer than the write timeout.
     */
    Submission submit(NewMessage message);

    /**
     * Stores {@code message} straight into the dead-letter queue (an item that can never be delivered, such as a
     * malformed command), with its completion events; the outcome is durable when this returns normally.
     */
    void rejectOnArrival(NewMessage message, DeadLetterReason reason, AttemptError error) throws StoreUnavailableException;

    /** Up to {@code max} queued messages of {@code pool} that are due, most urgent first, now marked in flight. */
    List<StoredMessage> claim(String pool, int max) throws StoreUnavailableException;

    /**
     * Records that attempt {@code attempt} of an in-flight message is about to be sent to {@code worker}, and returns
     * once that is durable (bounded by the write timeout; false when it could not be recorded), so a crash after the
     * send still counts the attempt and the redelivery carries the next attempt number.
     */
    boolean attemptStarted(String id, int attempt, String worker);

    /** Records how a delivery round of the in-flight {@code message} ended, with its completion events. */
    void settle(StoredMessage message, Settlement settlement) throws StoreUnavailableException;

    /**
     * Gives up on recording the outcome of an in-flight message (the store did not answer in time): it is delivered
     * again later, by this engine once the store answers (or at its next start) or by another one sharing the store.
     */
    default void abandon(StoredMessage message) {
    }

    /** The message with this id, unless it was never stored or has been pruned. */
    Optional<StoredMessage> find(String id) throws StoreUnavailableException;

    /**
     * Makes the store consistent after a restart: messages that were in flight are queued again (attempts kept),
     * queued messages whose pool no longer exists move to {@code poolOf(class)}. Returns how many were re-queued.
     */
    int recover(java.util.function.UnaryOperator<String> poolOfClass, java.util.Set<String> pools)
            throws StoreUnavailableException;

    /** Dead-letters, as {@code expired}, queued messages whose deadline has passed; returns how many. */
    int expireDue() throws StoreUnavailableException;

    /** Deletes delivered messages past retention and idempotency keys past their window; returns messages deleted. */
    int prune() throws StoreUnavailableException;

    /** Messages by status, as last counted (cheap; for gauges and the store-full check). */
    java.util.Map<MessageStatus, Long> counts();
}
