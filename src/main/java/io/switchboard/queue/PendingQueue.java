package io.switchboard.queue;

import io.switchboard.config.QueueConfig;
import io.switchboard.message.Priority;
import io.switchboard.time.Ticker;

import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A pool's bounded waiting room for messages that have no usable worker yet: four FIFO priority levels with
 * aging, a deadline per entry and low-priority-first shedding when full.
 *
 * <p>Not thread-safe: the owning dispatcher guards every call with its lock. Time comes only from the
 * ticker, and all times are compared by their difference, so a ticker near {@code Long.MAX_VALUE} that
 * wraps around is fine as long as live deadlines stay within about 2^62 ns of the current reading.
 *
 * <p>An entry whose deadline has been reached ({@code now - deadline >= 0}) is never returned by
 * {@link #poll} or {@link #peek}: both first hand every expired entry, wherever it sits, to the sink.
 */
public final class PendingQueue<E> {

    private static final int LEVELS = Priority.ordered().length;

    private final int capacity;
    private final long agingNanos;
    private final Ticker ticker;
    private final Handle<E>[] heads;
    private final Handle<E>[] tails;
    private final int[] counts = new int[LEVELS];
    private final DeadlineHeap<E> deadlines;
    private int size;

    /**
     * @param capacity   entries held across all levels before offers shed or are rejected
     * @param agingNanos waiting this long counts as one priority level more urgent when picking the next entry
     * @param ticker     the clock for enqueue times and expiry
     */
    @SuppressWarnings("unchecked")
    public PendingQueue(int capacity, long agingNanos, Ticker ticker) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        if (agingNanos <= 0) {
            throw new IllegalArgumentException("agingNanos must be positive, was " + agingNanos);
        }
        this.capacity = capacity;
        // Bounded so that (level difference * agingNanos) can never overflow; beyond it aging is moot anyway.
        this.agingNanos = Math.min(agingNanos, Long.MAX_VALUE / LEVELS);
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.heads = (Handle<E>[]) new Handle<?>[LEVELS];
        this.tails = (Handle<E>[]) new Handle<?>[LEVELS];
        this.deadlines = new DeadlineHeap<>(capacity);
    }

    /** A queue sized and aged as the {@code queue} section of the configuration says. */
    public static <E> PendingQueue<E> fromConfig(QueueConfig config, Ticker ticker) {
        return new PendingQueue<>(config.capacity(), TimeUnit.MILLISECONDS.toNanos(config.agingMs()), ticker);
    }

    /**
     * Admits {@code element} at {@code priority} until {@code deadlineNanos} (absolute, on the ticker's scale).
     * When the queue is full, expired entries are first handed to {@code expiredSink}; if it is still full, the
     * newest entry of the least urgent level that is strictly less urgent than {@code priority} is shed and
     * returned in {@link Offer.AdmittedEvicting}; without such an entry the offer is {@link Offer.Rejected}.
     */
    public Offer<E> offer(E element, Priority priority, long deadlineNanos, Consumer<? super E> expiredSink) {
        Objects.requireNonNull(element, "element");
        Objects.requireNonNull(priority, "priority");
        Objects.requireNonNull(expiredSink, "expiredSink");
        long now = ticker.nanoTime();
        if (size == capacity) {
            purgeExpired(now, expiredSink);
        }
        E evicted = null;
        if (size == capacity) {
            Handle<E> victim = evictionVictim(priority.ordinal());
            if (victim == null) {
                return Offer.rejected();
            }
            evicted = victim.element;
            unlink(victim);
        }
        Handle<E> h = new Handle<>(this, element, priority.ordinal(), now, deadlineNanos);
        link(h);
        return evicted == null ? new Offer.Admitted<>(h) : new Offer.AdmittedEvicting<>(h, evicted);
    }

    /** Removes and returns the next element to serve, or null when none is left after expired ones went to the sink. */
    public E poll(Consumer<? super E> expiredSink) {
        Handle<E> next = nextLive(expiredSink);
        if (next == null) {
            return null;
        }
        E element = next.element;
        unlink(next);
        return element;
    }

    /** The element {@link #poll} would return, left in place; expired entries still go to the sink. */
    public E peek(Consumer<? super E> expiredSink) {
        Handle<E> next = nextLive(expiredSink);
        return next == null ? null : next.element;
    }

    /** Withdraws an entry (a waiter that gave up); false when it already left the queue or belongs to another queue. */
    public boolean remove(Handle<?> handle) {
        if (handle == null || handle.owner != this || !handle.isQueued()) {
            return false;
        }
        @SuppressWarnings("unchecked")
        Handle<E> h = (Handle<E>) handle;
        unlink(h);
        return true;
    }

    /** Hands every expired entry, wherever it sits, to the sink (earliest deadline first); returns how many. */
    public int purgeExpired(Consumer<? super E> expiredSink) {
        Objects.requireNonNull(expiredSink, "expiredSink");
        return purgeExpired(ticker.nanoTime(), expiredSink);
    }

    /** Empties the queue into the sink, most urgent level first and FIFO within a level (for shutdown); returns how many. */
    public int drain(Consumer<? super E> sink) {
        Objects.requireNonNull(sink, "sink");
        int drained = 0;
        for (int level = 0; level < LEVELS; level++) {
            Handle<E> h;
            while ((h = heads[level]) != null) {
                E element = h.element;
                unlink(h);
                drained++;
                sink.accept(element);
            }
        }
        return drained;
    }

    /**
     * Nanoseconds from now until the earliest deadline among queued entries (zero when already reached), or
     * {@code Long.MAX_VALUE} when empty: the bound for a timed wait that must wake up to expire entries.
     */
    public long nanosUntilEarliestDeadline() {
        Handle<E> first = deadlines.peek();
        return first == null ? Long.MAX_VALUE : Math.max(0, first.deadlineNanos - ticker.nanoTime());
    }

    /** The earliest deadline among queued entries, on the ticker's scale. */
    public long earliestDeadlineNanos() {
        Handle<E> first = deadlines.peek();
        if (first == null) {
            throw new NoSuchElementException("queue is empty");
        }
        return first.deadlineNanos;
    }

    public int size() {
        return size;
    }

    public int size(Priority priority) {
        return counts[priority.ordinal()];
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public int capacity() {
        return capacity;
    }

    private Handle<E> nextLive(Consumer<? super E> expiredSink) {
        Objects.requireNonNull(expiredSink, "expiredSink");
        // Expiring everything first means no dead entry can hide behind a live head and later be returned.
        purgeExpired(ticker.nanoTime(), expiredSink);
        Handle<E> best = null;
        for (int level = 0; level < LEVELS; level++) {
            Handle<E> head = heads[level];
            if (head != null && (best == null || servesBefore(head, best))) {
                best = head;
            }
        }
        return best;
    }

    /**
     * Whether {@code candidate} (a less urgent level) beats {@code incumbent}: the smaller
     * {@code level * agingNanos + enqueuedNanos} wins and a tie stays with the more urgent incumbent.
     * Rearranged into differences so that neither a wrapping ticker nor a large aging overflows.
     */
    private boolean servesBefore(Handle<E> candidate, Handle<E> incumbent) {
        long waitedLess = candidate.enqueuedNanos - incumbent.enqueuedNanos;
        return waitedLess < (incumbent.level - candidate.level) * agingNanos;
    }

    private Handle<E> evictionVictim(int offeredLevel) {
        for (int level = LEVELS - 1; level > offeredLevel; level--) {
            if (tails[level] != null) {
                return tails[level];
            }
        }
        return null;
    }

    private int purgeExpired(long now, Consumer<? super E> expiredSink) {
        int purged = 0;
        Handle<E> h;
        while ((h = deadlines.peek()) != null && now - h.deadlineNanos >= 0) {
            E element = h.element;
            // Unlinked before the sink runs, so a throwing sink leaves the queue consistent.
            unlink(h);
            purged++;
            expiredSink.accept(element);
        }
        return purged;
    }

    private void link(Handle<E> h) {
        int level = h.level;
        Handle<E> tail = tails[level];
        if (tail == null) {
            heads[level] = h;
        } else {
            tail.next = h;
            h.prev = tail;
        }
        tails[level] = h;
        counts[level]++;
        size++;
        deadlines.add(h);
    }

    private void unlink(Handle<E> h) {
        int level = h.level;
        Handle<E> prev = h.prev;
        Handle<E> next = h.next;
        if (prev == null) {
            heads[level] = next;
        } else {
            prev.next = next;
        }
        if (next == null) {
            tails[level] = prev;
        } else {
            next.prev = prev;
        }
        h.prev = null;
        h.next = null;
        h.element = null;
        counts[level]--;
        size--;
        deadlines.remove(h);
    }
}
