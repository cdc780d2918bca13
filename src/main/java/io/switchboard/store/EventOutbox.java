package io.switchboard.store;

import java.util.List;

/**
 * Completion events waiting to be sent, one row per event and sink, written in the same transaction that settled the
 * message; a sink's relay reads them, sends them, and removes them once sent (at least once).
 */
public interface EventOutbox {

    /** One pending event for one sink. */
    record PendingEvent(long seq, String sink, byte[] payload, int attempts, long createdAt) {
    }

    /** Up to {@code max} events of {@code sink} that are due, oldest first. */
    List<PendingEvent> dueEvents(String sink, int max) throws StoreUnavailableException;

    /** Removes events that were sent, or given up on. */
    void removeEvents(List<Long> seqs) throws StoreUnavailableException;

    /** Records a failed send: tried again not before {@code nextAt}. */
    void eventFailed(long seq, long nextAt, String error) throws StoreUnavailableException;

    /** Events waiting per sink, as last counted. */
    java.util.Map<String, Long> pendingEvents();

    /** Calls {@code listener} (cheaply, without blocking) whenever new events were committed. */
    void onNewEvents(Runnable listener);
}
