package io.switchboard;

import io.switchboard.classify.Classification;
import io.switchboard.complete.SettlementPolicy;
import io.switchboard.config.StoreConfig;
import io.switchboard.deliver.DeliveryChain;
import io.switchboard.dispatch.PoolDispatcher;
import io.switchboard.message.Envelope;
import io.switchboard.message.Ids;
import io.switchboard.store.NewMessage;
import io.switchboard.store.Settlement;
import io.switchboard.store.Store;
import io.switchboard.store.StoreUnavailableException;
import io.switchboard.store.StoredMessage;
import io.switchboard.store.Submission;
import io.switchboard.time.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The asynchronous path: a submission is classified, routed and stored (202 once durable); a claimer takes stored
 * messages per pool, most urgent first, and each goes through the same delivery chain as the synchronous path, in
 * rounds, until it is delivered or dead-lettered. Every outcome is written to the store before the message's slot is
 * freed, so a crash at any point leaves it queued or in flight, and recovery re-queues it.
 */
public final class AsyncPipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("switchboard.async");
    /** How often the claimer looks for due messages without being told of new ones (retries become due this way). */
    private static final long POLL_MILLIS = 250;
    private static final long EXPIRY_SWEEP_MILLIS = 1_000;

    /** Hears submissions and settlements, for metrics. Cheap and non-blocking. */
    public interface Observer {
        Observer NONE = new Observer() {
        };

        /** A submission ended as {@code accepted}, {@code duplicate} or {@code refused}. */
        default void submitted(String outcome) {
        }

        /** A delivery round settled a message of {@code pool}. */
        default void settled(String pool, Settlement settlement) {
        }
    }

    /** A submission's answer and the decision that routed it. */
    public record Submitted(Submission submission, Pipeline.Decision decision) {
    }

    private final Pipeline pipeline;
    private final Rulebook rules;
    private final Store store;
    private final Map<String, PoolDispatcher> pools;
    private final StoredDelivery rounds;
    private final Ticker ticker;
    private final StoreConfig config;
    private final Observer observer;
    private final Map<String, Semaphore> slots = new LinkedHashMap<>();
    private final ExecutorService deliveries = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("async-delivery-", 0).factory());
    private final ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("store-housekeeping").daemon().factory());
    private final AtomicInteger active = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long signals;
    private volatile boolean running;
    private Thread claimer;
    private volatile long lastClaimWarning;
    private volatile long lastRefusalWarning;
    private final AtomicLong refusedSinceWarning = new AtomicLong();

    /**
     * @param roundMillis the longest one delivery round may take; a message not delivered by then goes back to the
     *                    queue (so a pool without workers never holds a slot for the whole of a message's ttl)
     */
    public AsyncPipeline(Pipeline pipeline, Rulebook rules, DeliveryChain chain, Store store,
                         Map<String, PoolDispatcher> pools, SettlementPolicy policy, StoreConfig config,
                         long roundMillis, Ticker ticker, Observer observer) {
        this.pipeline = pipeline;
        this.rules = rules;
        this.store = store;
        this.pools = Map.copyOf(pools);
        this.rounds = new StoredDelivery(rules, chain, store, policy, roundMillis, ticker, observer,
                pipeline.contentLog());
        this.config = config;
        this.ticker = ticker;
        this.observer = observer;
        for (String pool : pools.keySet()) {
            slots.put(pool, new Semaphore(config.deliveryConcurrency()));
        }
    }

    /** The store behind this path (for status queries and the dead-letter queue). */
    public Store store() {
        return store;
    }

    /** Classifies, routes and stores {@code envelope}; {@link Submission.Accepted} means it is durable. */
    public Submitted submit(Envelope envelope, String requestId) {
        return submit(envelope, pipeline.decide(envelope), requestId);
    }

    /** As {@link #submit(Envelope, String)} for a message already classified and routed by {@link Pipeline#decide}. */
    public Submitted submit(Envelope envelope, Pipeline.Decision d, String requestId) {
        Classification c = d.classification();
        long now = ticker.currentTimeMillis();
        long ttl = envelope.ttlMs() != null ? envelope.ttlMs() : config.defaultTtlMs();
        String id = Ids.newId(now);
        Submission s = store.submit(new NewMessage(id, requestId, envelope, c.className(), c.priority(),
                d.route().pool(), ttl, now));
        switch (s) {
            case Submission.Accepted a -> {
                observer.submitted("accepted");
                signal();
            }
            case Submission.Duplicate dup -> observer.submitted("duplicate");
            case Submission.Refused r -> {
                observer.submitted("refused");
                warnRefused(r);
            }
        }
        return new Submitted(s, d);
    }

    /**
     * Stores {@code envelope} straight into the dead-letter queue as {@code rejected}, for an item an ingress took but
     * that can never be delivered (e.g. not JSON): it is kept with the reason instead of blocking its source.
     */
    public void rejectOnArrival(Envelope envelope, String requestId, String why) throws StoreUnavailableException {
        Pipeline.Decision d = pipeline.decide(envelope);
        long now = ticker.currentTimeMillis();
        String id = Ids.newId(now);
        store.rejectOnArrival(new NewMessage(id, requestId, envelope, d.classification().className(),
                d.classification().priority(), d.route().pool(), config.defaultTtlMs(), now),
                io.switchboard.store.DeadLetterReason.REJECTED,
                new io.switchboard.store.AttemptError(0, d.route().pool(), null, "rejected", why, now));
        observer.submitted("rejected");
        pipeline.contentLog().add(LOG.atWarn(), envelope).addKeyValue("event", "message_rejected")
                .addKeyValue("id", id).addKeyValue("reason", why).log("dead-lettered {} on arrival: {}", id, why);
    }

    /** At most one WARN line per ten seconds while submissions are refused, with how many were since the last. */
    private void warnRefused(Submission.Refused r) {
        refusedSinceWarning.incrementAndGet();
        long now = System.nanoTime();
        long last = lastRefusalWarning;
        if (now - last < TimeUnit.SECONDS.toNanos(10) && last != 0) {
            return;
        }
        lastRefusalWarning = now;
        long refused = refusedSinceWarning.getAndSet(0);
        LOG.atWarn().addKeyValue("event", "submission_refused").addKeyValue("reason", r.reason())
                .addKeyValue("refused", refused)
                .log("asynchronous submissions refused ({} since the last such line): {}", refused, r.reason());
    }

    /** Recovers what a previous run left in flight, then starts claiming and the background sweeps. */
    public void start() throws StoreUnavailableException {
        int requeued = store.recover(c -> rules.current().routes().routeFor(c).pool(), pools.keySet());
        int expired = 0;
        try {
            expired = store.expireDue();
        } catch (StoreUnavailableException e) {
            // A store that does not answer yet (Redis still down): the sweep below tries every second.
            LOG.atWarn().addKeyValue("event", "store_unavailable_at_start")
                    .log("the store does not answer yet ({}); stored messages wait until it does", e.getMessage());
        }
        LOG.atInfo().addKeyValue("event", "store_recovered").addKeyValue("requeued", requeued)
                .addKeyValue("expired", expired).addKeyValue("counts", labels(store.counts()))
                .log("recovered the store: {} in-flight messages re-queued, {} expired", requeued, expired);
        running = true;
        claimer = Thread.ofPlatform().name("async-claimer").daemon().start(this::claimLoop);
        housekeeping.scheduleWithFixedDelay(this::sweepExpired, EXPIRY_SWEEP_MILLIS, EXPIRY_SWEEP_MILLIS,
                TimeUnit.MILLISECONDS);
        housekeeping.scheduleWithFixedDelay(this::prune, config.pruneIntervalMs(), config.pruneIntervalMs(),
                TimeUnit.MILLISECONDS);
    }

    private static Map<String, Long> labels(Map<io.switchboard.store.MessageStatus, Long> counts) {
        Map<String, Long> out = new LinkedHashMap<>();
        counts.forEach((s, n) -> out.put(s.label(), n));
        return out;
    }

    private void sweepExpired() {
        try {
            int n = store.expireDue();
            if (n > 0) {
                LOG.atInfo().addKeyValue("event", "messages_expired").addKeyValue("count", n)
                        .log("{} queued messages expired into the dead-letter queue", n);
            }
        } catch (StoreUnavailableException | RuntimeException e) {
            LOG.warn("expiry sweep failed: {}", e.getMessage());
        }
    }

    /** Deletes delivered messages past retention now (it also runs every {@code store.prune_interval_ms}). */
    public int prune() {
        try {
            int n = store.prune();
            if (n > 0) {
                LOG.atInfo().addKeyValue("event", "store_pruned").addKeyValue("deleted", n)
                        .log("pruned {} delivered messages past retention", n);
            }
            return n;
        } catch (StoreUnavailableException | RuntimeException e) {
            LOG.warn("retention pruning failed: {}", e.getMessage());
            return 0;
        }
    }

    /** Tells the claimer that there may be new work (a submission, a replay, a freed slot). */
    public void signal() {
        lock.lock();
        try {
            signals++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private long signals() {
        lock.lock();
        try {
            return signals;
        } finally {
            lock.unlock();
        }
    }

    private void claimLoop() {
        while (running) {
            long seen = signals();
            boolean claimed = false;
            for (var e : slots.entrySet()) {
                if (!running) {
                    break;
                }
                claimed |= claim(e.getKey(), e.getValue());
            }
            if (!claimed) {
                lock.lock();
                try {
                    if (running && signals == seen) {
                        changed.await(POLL_MILLIS, TimeUnit.MILLISECONDS);
                    }
                } catch (InterruptedException e) {
                    return;
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /** Claims what {@code pool} has room for; true when anything was claimed. */
    private boolean claim(String pool, Semaphore slot) {
        int free = slot.availablePermits();
        if (free == 0 || !pools.get(pool).accepting()) {
            return false;
        }
        List<StoredMessage> claimed;
        try {
            claimed = store.claim(pool, free);
        } catch (StoreUnavailableException e) {
            long now = System.nanoTime();
            if (now - lastClaimWarning > TimeUnit.SECONDS.toNanos(10)) {
                lastClaimWarning = now;
                LOG.atWarn().addKeyValue("event", "claim_failed").addKeyValue("pool", pool)
                        .log("cannot claim stored messages for pool {}: {}", pool, e.getMessage());
            }
            return false;
        }
        for (StoredMessage m : claimed) {
            slot.acquireUninterruptibly();
            active.incrementAndGet();
            try {
                deliveries.execute(() -> deliver(m, slot));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // Shutting down: the message stays in flight in the store and is re-queued at the next start.
                slot.release();
                active.decrementAndGet();
            }
        }
        return !claimed.isEmpty();
    }

    private void deliver(StoredMessage m, Semaphore slot) {
        MDC.put("request_id", m.requestId() == null ? m.id() : m.requestId());
        MDC.put("message_id", m.id());
        try {
            rounds.run(m, () -> running);
        } catch (InterruptedException e) {
            // Stopped hard: left in flight, re-queued by the next start's recovery.
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("asynchronous delivery of {} failed unexpectedly; it stays in flight until the next start",
                    m.id(), e);
        } finally {
            slot.release();
            active.decrementAndGet();
            signal();
            MDC.clear();
        }
    }

    /** Stops taking messages from the store; deliveries under way go on. */
    public void stopClaiming() {
        running = false;
        signal();
        if (claimer != null) {
            try {
                claimer.join(Duration.ofSeconds(35));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits until no delivery is under way or {@code timeout} passes; true when idle. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (active.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Stops everything; deliveries still under way are cut, and stay in flight in the store until the next start. */
    @Override
    public void close() {
        stopClaiming();
        housekeeping.shutdownNow();
        deliveries.shutdownNow();
        try {
            deliveries.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
