package io.switchboard.complete;

import io.switchboard.store.EventOutbox;
import io.switchboard.store.StoreUnavailableException;
import io.switchboard.time.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Moves completion events from the store's outbox to their sinks: one virtual thread per sink, oldest event first,
 * removed from the outbox only once its sink took it (at least once). A failing sink is retried with a capped
 * exponential backoff and holds up nobody else; deliveries never wait for events.
 */
public final class EventRelay implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventRelay.class);
    private static final int BATCH = 100;
    private static final long IDLE_WAIT_MILLIS = 1_000;
    private static final long MAX_BACKOFF_MILLIS = 60_000;

    /** Hears what happens to events, for metrics. */
    public interface Observer {
        Observer NONE = new Observer() {
        };

        default void sent(String sink) {
        }

        default void failed(String sink) {
        }

        /** The event was given up on: refused by its receiver, or older than the sink's {@code max_age_ms}. */
        default void dropped(String sink) {
        }
    }

    /** One sink and how long its events may wait. */
    public record Route(EventSink sink, long maxAgeMillis) {
    }

    private final EventOutbox outbox;
    private final List<Route> routes;
    private final Ticker ticker;
    private final Observer observer;
    private final List<Thread> threads = new ArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition news = lock.newCondition();
    private long generation;
    private volatile boolean running;

    public EventRelay(EventOutbox outbox, List<Route> routes, Ticker ticker, Observer observer) {
        this.outbox = outbox;
        this.routes = List.copyOf(routes);
        this.ticker = ticker;
        this.observer = observer;
        outbox.onNewEvents(this::wake);
    }

    public EventRelay start() {
        running = true;
        for (Route r : routes) {
            threads.add(Thread.ofVirtual().name("events-" + r.sink().name()).start(() -> loop(r)));
        }
        return this;
    }

    private void wake() {
        lock.lock();
        try {
            generation++;
            news.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void loop(Route route) {
        EventSink sink = route.sink();
        while (running) {
            long seen;
            lock.lock();
            try {
                seen = generation;
            } finally {
                lock.unlock();
            }
            boolean more;
            try {
                more = relayBatch(route);
            } catch (StoreUnavailableException e) {
                LOG.atWarn().addKeyValue("event", "event_relay_store_unavailable").addKeyValue("sink", sink.name())
                        .log("event relay for {} cannot reach the store: {}", sink.name(), e.getMessage());
                more = false;
            } catch (RuntimeException e) {
                LOG.warn("event relay for {} failed unexpectedly", sink.name(), e);
                more = false;
            }
            if (!more) {
                awaitNews(seen);
            }
        }
    }

    private void awaitNews(long seen) {
        lock.lock();
        try {
            if (running && generation == seen) {
                news.await(IDLE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            lock.unlock();
        }
    }

    /** Sends one batch of due events; true when there may be more due right away. */
    private boolean relayBatch(Route route) throws StoreUnavailableException {
        EventSink sink = route.sink();
        List<EventOutbox.PendingEvent> due = outbox.dueEvents(sink.name(), BATCH);
        if (due.isEmpty()) {
            return false;
        }
        List<Long> done = new ArrayList<>(due.size());
        boolean blocked = false;
        try {
            for (EventOutbox.PendingEvent e : due) {
                if (!running) {
                    break;
                }
                long now = ticker.currentTimeMillis();
                if (now - e.createdAt() > route.maxAgeMillis()) {
                    drop(sink, e, "older than max_age_ms (" + route.maxAgeMillis() + " ms) after " + e.attempts()
                            + " failed sends");
                    done.add(e.seq());
                    continue;
                }
                switch (sink.send(e.payload())) {
                    case EventSink.Result.Sent s -> {
                        observer.sent(sink.name());
                        done.add(e.seq());
                    }
                    case EventSink.Result.Refused r -> {
                        drop(sink, e, r.detail());
                        done.add(e.seq());
                    }
                    case EventSink.Result.Failed f -> {
                        observer.failed(sink.name());
                        long delay = Math.min(MAX_BACKOFF_MILLIS, 1_000L << Math.min(16, e.attempts()));
                        LOG.atWarn().addKeyValue("event", "event_send_failed").addKeyValue("sink", sink.name())
                                .addKeyValue("attempts", e.attempts() + 1).addKeyValue("retry_in_ms", delay)
                                .addKeyValue("error", f.detail())
                                .log("could not send an event to {}: {}; trying again in {} ms", sink.name(),
                                        f.detail(), delay);
                        outbox.eventFailed(e.seq(), now + delay, f.detail());
                        // Keep the order: later events wait for this one.
                        blocked = true;
                    }
                }
                if (blocked) {
                    break;
                }
            }
        } finally {
            outbox.removeEvents(done);
        }
        return !blocked && running && due.size() == BATCH;
    }

    private void drop(EventSink sink, EventOutbox.PendingEvent e, String why) {
        observer.dropped(sink.name());
        LOG.atWarn().addKeyValue("event", "event_dropped").addKeyValue("sink", sink.name())
                .addKeyValue("reason", why)
                .log("dropped an event for {}: {}", sink.name(), why);
    }

    /** Stops relaying; what is still in the outbox is sent after the next start. */
    @Override
    public void close() {
        running = false;
        wake();
        for (Thread t : threads) {
            try {
                if (!t.join(java.time.Duration.ofSeconds(10))) {
                    t.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Route r : routes) {
            r.sink().close();
        }
    }
}
