package io.switchboard.queue;

import io.switchboard.message.Priority;

/**
 * One entry of a {@link PendingQueue}, handed out on admission so that a waiter that gives up can withdraw it.
 * The handle is also the queue's own node, so admitting an element allocates nothing else.
 */
public final class Handle<E> {

    final PendingQueue<E> owner;
    final int level;
    final long enqueuedNanos;
    final long deadlineNanos;
    /** Cleared once the entry leaves the queue so that a retained handle does not retain the message. */
    E element;
    Handle<E> prev;
    Handle<E> next;
    /** Position in the deadline heap; negative once the entry has left the queue. */
    int heapIndex = -1;

    Handle(PendingQueue<E> owner, E element, int level, long enqueuedNanos, long deadlineNanos) {
        this.owner = owner;
        this.element = element;
        this.level = level;
        this.enqueuedNanos = enqueuedNanos;
        this.deadlineNanos = deadlineNanos;
    }

    /** Whether the entry still waits (not yet polled, removed, evicted, expired or drained). */
    public boolean isQueued() {
        return heapIndex >= 0;
    }

    public Priority priority() {
        return Priority.ordered()[level];
    }

    /** The absolute deadline it was admitted with, on the {@code Ticker.nanoTime()} scale. */
    public long deadlineNanos() {
        return deadlineNanos;
    }

    @Override
    public String toString() {
        return "Handle[" + priority() + (isQueued() ? ", queued]" : ", gone]");
    }
}
