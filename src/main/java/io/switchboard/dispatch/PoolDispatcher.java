package io.switchboard.dispatch;

import io.switchboard.message.Message;
import io.switchboard.queue.Handle;
import io.switchboard.queue.Offer;
import io.switchboard.queue.PendingQueue;
import io.switchboard.time.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hands a pool's workers to messages: at once when a worker is free and nobody waits, otherwise in queue order
 * (priority with aging, deadlines, capacity) as workers free up.
 *
 * <p>One lock guards the queue because the order across priorities must be exact; selection itself is lock-free
 * and releases never take the lock unless someone waits. A release decrements in-flight before reading the
 * waiter count and an arrival increments the count before trying to pick, so one of them always sees the other
 * and no wake-up is lost.
 */
public final class PoolDispatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PoolDispatcher.class);

    private final String name;
    private final WorkerSelector selector;
    private final PendingQueue<Waiter> queue;
    private final Ticker ticker;
    private final SelectionObserver selectionObserver;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile boolean closed;
    private volatile boolean paused;

    public PoolDispatcher(String name, WorkerSelector selector, int capacity, long agingNanos, Ticker ticker) {
        this(name, selector, capacity, agingNanos, ticker, SelectionObserver.NONE);
    }

    /** As the other constructor, telling {@code selectionObserver} how long each arrival's selection took. */
    public PoolDispatcher(String name, WorkerSelector selector, int capacity, long agingNanos, Ticker ticker,
                          SelectionObserver selectionObserver) {
        this.name = name;
        this.selector = selector;
        this.ticker = ticker;
        this.selectionObserver = selectionObserver;
        this.queue = new PendingQueue<>(capacity, agingNanos, ticker);
        for (Worker w : selector.workers()) {
            w.onRelease(this::onCapacity);
        }
    }

    public String name() {
        return name;
    }

    public List<Worker> workers() {
        return selector.workers();
    }

    /** Messages waiting for a worker now. */
    public int waiting() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Messages waiting at each priority, most urgent first. */
    public int[] waitingByPriority() {
        lock.lock();
        try {
            var priorities = io.switchboard.message.Priority.ordered();
            int[] sizes = new int[priorities.length];
            for (int i = 0; i < priorities.length; i++) {
                sizes[i] = queue.size(priorities[i]);
            }
            return sizes;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops handing out workers: messages for the pool wait in its queue (up to their deadlines and the queue's
     * capacity), and stored ones stay in the store, until {@link #resume()}. Attempts under way go on.
     */
    public void pause() {
        paused = true;
    }

    /** Hands out workers again, first to the messages that waited. */
    public void resume() {
        paused = false;
        onCapacity();
    }

    public boolean paused() {
        return paused;
    }

    /** Whether a message given to the pool now could be sent: not paused, and some worker's circuit admits calls. */
    public boolean accepting() {
        return !paused && hasHealthyWorker();
    }

    /** Whether any worker that is not drained has a circuit that admits calls (busy workers count as healthy). */
    public boolean hasHealthyWorker() {
        for (Worker w : selector.workers()) {
            if (!w.draining() && w.circuitAdmits()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Waits until a worker is free for {@code message} or its deadline passes. Blocking; call it on a virtual thread.
     */
    public Acquisition acquire(Message message, SelectionContext context) throws InterruptedException {
        if (closed) {
            return new Acquisition.Refused(Acquisition.Reason.SHUTDOWN);
        }
        Waiter waiter;
        long selectionNanos = -1;
        waiting.incrementAndGet();
        lock.lock();
        try {
            if (queue.isEmpty()) {
                long started = ticker.nanoTime();
                Worker w = pick(context);
                selectionNanos = ticker.nanoTime() - started;
                if (w != null) {
                    waiting.decrementAndGet();
                    return new Acquisition.Acquired(w);
                }
            }
            if (message.isExpired(ticker.nanoTime())) {
                waiting.decrementAndGet();
                return refusedAtDeadline();
            }
            waiter = new Waiter(message, context);
            switch (queue.offer(waiter, message.priority(), message.deadlineNanos(), this::expire)) {
                case Offer.Admitted<Waiter> a -> waiter.handle = a.handle();
                case Offer.AdmittedEvicting<Waiter> a -> {
                    waiter.handle = a.handle();
                    finish(a.evicted(), new Acquisition.Refused(Acquisition.Reason.OVERLOAD));
                }
                case Offer.Rejected<Waiter> r -> {
                    waiting.decrementAndGet();
                    return new Acquisition.Refused(Acquisition.Reason.OVERLOAD);
                }
            }
        } finally {
            lock.unlock();
            // Reported after the lock is released so observing never lengthens the critical section.
            if (selectionNanos >= 0) {
                reportSelection(selectionNanos);
            }
        }
        return await(waiter);
    }

    private void reportSelection(long nanos) {
        try {
            selectionObserver.selected(name, nanos);
        } catch (RuntimeException e) {
            LOG.warn("selection observer failed; ignoring", e);
        }
    }

    private Acquisition await(Waiter waiter) throws InterruptedException {
        long remaining = waiter.message.remainingNanos(ticker.nanoTime());
        try {
            return waiter.result.get(Math.max(0, remaining), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | InterruptedException e) {
            lock.lock();
            try {
                if (queue.remove(waiter.handle)) {
                    waiting.decrementAndGet();
                    if (e instanceof InterruptedException ie) {
                        throw ie;
                    }
                    return refusedAtDeadline();
                }
            } finally {
                lock.unlock();
            }
            // The dispatcher answered between the timeout and the lock: take its answer.
            return waiter.result.join();
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiter completed exceptionally", e.getCause());
        }
    }

    /** Re-examines the queue: hands freed workers to waiters and answers expired ones. Cheap when nobody waits. */
    public void onCapacity() {
        if (waiting.get() == 0) {
            return;
        }
        lock.lock();
        try {
            while (true) {
                Waiter head = queue.peek(this::expire);
                if (head == null) {
                    return;
                }
                Worker w = pick(head.context);
                if (w == null) {
                    return;
                }
                queue.poll(this::expire);
                finish(head, new Acquisition.Acquired(w));
            }
        } finally {
            lock.unlock();
        }
    }

    /** Answers every expired waiter anywhere in the queue; the engine calls it periodically. */
    public void purgeExpired() {
        if (waiting.get() == 0) {
            return;
        }
        lock.lock();
        try {
            queue.purgeExpired(this::expire);
        } finally {
            lock.unlock();
        }
    }

    private void expire(Waiter w) {
        finish(w, refusedAtDeadline());
    }

    private void finish(Waiter w, Acquisition answer) {
        waiting.decrementAndGet();
        if (!w.result.complete(answer) && answer instanceof Acquisition.Acquired a) {
            a.worker().release();
        }
    }

    private Acquisition refusedAtDeadline() {
        return new Acquisition.Refused(hasHealthyWorker() ? Acquisition.Reason.EXPIRED : Acquisition.Reason.NO_WORKER);
    }

    /** Selects and reserves a worker, preferring ones not avoided; null when none can be reserved. */
    private Worker pick(SelectionContext context) {
        if (paused) {
            return null;
        }
        Worker w = reserve(context);
        if (w == null && !context.avoid().isEmpty()) {
            // Avoiding is a preference, not a rule: any usable worker beats waiting.
            w = reserve(new SelectionContext(context.affinityKey(), Set.of()));
        }
        return w;
    }

    private Worker reserve(SelectionContext context) {
        SelectionContext ctx = context;
        for (int i = 0; i <= selector.workers().size(); i++) {
            Worker w = selector.select(ctx);
            if (w == null) {
                return null;
            }
            if (w.tryAcquire()) {
                return w;
            }
            // Lost a race for its last slot or its half-open probe permits: skip it this time.
            Set<Worker> skip = new HashSet<>(ctx.avoid());
            skip.add(w);
            ctx = new SelectionContext(ctx.affinityKey(), skip);
        }
        return null;
    }

    /** Refuses every waiting message with SHUTDOWN and every later request. */
    @Override
    public void close() {
        closed = true;
        lock.lock();
        try {
            queue.drain(w -> finish(w, new Acquisition.Refused(Acquisition.Reason.SHUTDOWN)));
        } finally {
            lock.unlock();
        }
    }

    /** A message waiting for a worker. */
    static final class Waiter {
        final Message message;
        final SelectionContext context;
        final CompletableFuture<Acquisition> result = new CompletableFuture<>();
        Handle<Waiter> handle;

        Waiter(Message message, SelectionContext context) {
            this.message = message;
            this.context = context;
        }
    }
}
