package io.switchboard.store;

import java.util.Optional;

/** The messages given up on, kept with their envelope, every attempt's error and the reason, until replayed or purged. */
public interface DeadLetterQueue {

    /** A page of dead letters matching {@code filter}, newest first, after {@code cursor} (null for the first page). */
    DeadLetterPage deadLetters(DeadLetterFilter filter, String cursor, int limit) throws StoreUnavailableException;

    /**
     * Queues a dead letter again with its attempts reset and a fresh deadline; the message keeps its id. Empty when
     * there is no such dead letter (unknown, or not dead-lettered: see {@link MessageStore#find}).
     */
    Optional<StoredMessage> replay(String id) throws StoreUnavailableException;

    /** Replays up to {@code max} dead letters matching {@code filter}, oldest first; returns how many. */
    int replayAll(DeadLetterFilter filter, int max) throws StoreUnavailableException;

    /** Deletes a dead letter for good; false when there is no such dead letter. */
    boolean purge(String id) throws StoreUnavailableException;

    /** Deletes up to {@code max} dead letters matching {@code filter}; returns how many. */
    int purgeAll(DeadLetterFilter filter, int max) throws StoreUnavailableException;
}
