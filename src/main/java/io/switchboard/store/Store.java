package io.switchboard.store;

/** Everything the asynchronous half of the engine keeps: the message queue, the dead letters and the event outbox. */
public interface Store extends MessageStore, DeadLetterQueue, EventOutbox, AutoCloseable {

    /** Whether the store answers now (for readiness); false while it is failing. */
    boolean healthy();

    /** Finishes pending writes and releases the files; waits at most a few seconds. */
    @Override
    void close();
}
