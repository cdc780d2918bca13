package io.switchboard;

import io.switchboard.classify.Classification;
import io.switchboard.complete.SettlementPolicy;
import io.switchboard.deliver.DeliveryChain;
import io.switchboard.deliver.DeliveryResult;
import io.switchboard.deliver.StageTimes;
import io.switchboard.message.Message;
import io.switchboard.route.Route;
import io.switchboard.store.Settlement;
import io.switchboard.store.Store;
import io.switchboard.store.StoreUnavailableException;
import io.switchboard.store.StoredMessage;
import io.switchboard.time.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One delivery round of a claimed message: the settlement policy's check, the delivery chain (each attempt committed
 * to the store before it is sent), the policy's verdict, and the settlement written back with its events.
 */
final class StoredDelivery {

    private static final Logger LOG = LoggerFactory.getLogger("switchboard.async");

    /** How long an outcome is offered to a store that does not answer before the message is given up on. */
    private static final long SETTLE_PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final Rulebook rules;
    private final DeliveryChain chain;
    private final Store store;
    private final SettlementPolicy policy;
    private final long roundMillis;
    private final Ticker ticker;
    private final AsyncPipeline.Observer observer;
    private final ContentLog contentLog;

    StoredDelivery(Rulebook rules, DeliveryChain chain, Store store, SettlementPolicy policy, long roundMillis,
                   Ticker ticker, AsyncPipeline.Observer observer, ContentLog contentLog) {
        this.rules = rules;
        this.chain = chain;
        this.store = store;
        this.policy = policy;
        this.roundMillis = roundMillis;
        this.ticker = ticker;
        this.observer = observer;
        this.contentLog = contentLog;
    }

    /** Runs one round of {@code m} and records how it ended; {@code running} false stops retrying the record. */
    void run(StoredMessage m, BooleanSupplier running) throws InterruptedException {
        Settlement s = policy.beforeRound(m, ticker.currentTimeMillis());
        if (s == null) {
            // The route in force now: a message stored before a reload is delivered where its class goes today.
            Route route = rules.current().routes().routeFor(m.className());
            DeliveryResult result = chain.deliver(message(m), route, new StageTimes(), m.attempts(),
                    (attempt, worker) -> recordAttempt(m, attempt, worker.id()));
            s = policy.after(m, result, ticker.currentTimeMillis());
        }
        settle(m, s, running);
    }

    /** The attempt is on disk before it is sent; if the store cannot say so in time, it is sent all the same. */
    private void recordAttempt(StoredMessage m, int attempt, String worker) {
        if (!store.attemptStarted(m.id(), attempt, worker)) {
            LOG.atWarn().addKeyValue("event", "attempt_not_recorded").addKeyValue("attempt", attempt)
                    .addKeyValue("worker", worker)
                    .log("could not record attempt {} before sending it; a crash now would repeat its number", attempt);
        }
    }

    /**
     * The stored message as the delivery chain sees it for one round: it starts now (so the chain's end-to-end and
     * overhead figures describe the round, not the time spent in the store) and ends at the round's deadline.
     */
    private Message message(StoredMessage m) {
        long nowNanos = ticker.nanoTime();
        long nowMillis = ticker.currentTimeMillis();
        long roundEnd = Math.min(m.deadlineAt(), nowMillis + roundMillis);
        long deadline = nowNanos + TimeUnit.MILLISECONDS.toNanos(roundEnd - nowMillis);
        Classification c = new Classification(m.className(), m.priority(), Classification.Source.EXPLICIT, List.of());
        return new Message(m.id(), m.requestId() == null ? m.id() : m.requestId(), m.envelope(), c, nowNanos, deadline);
    }

    private void settle(StoredMessage m, Settlement s, BooleanSupplier running) throws InterruptedException {
        long giveUpAt = System.nanoTime() + SETTLE_PATIENCE_NANOS;
        for (long pause = 200; ; pause = Math.min(5_000, pause * 2)) {
            try {
                store.settle(m, s);
                break;
            } catch (StoreUnavailableException e) {
                if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pause) > giveUpAt || !running.getAsBoolean()) {
                    store.abandon(m);
                    LOG.atError().addKeyValue("event", "settle_failed").addKeyValue("outcome", outcome(s))
                            .log("could not record the outcome of {}: {}; it is delivered again later (the "
                                    + "embedded store: after the next start)", m.id(), e.getMessage());
                    return;
                }
                TimeUnit.MILLISECONDS.sleep(pause);
            }
        }
        observer.settled(m.pool(), s);
        var event = contentLog.add(s instanceof Settlement.Retry ? LOG.atDebug() : LOG.atInfo(), m.envelope());
        event.addKeyValue("event", "message_settled")
                .addKeyValue("class", m.className())
                .addKeyValue("pool", poolOf(s, m))
                .addKeyValue("outcome", outcome(s))
                .addKeyValue("attempts", s.attempts())
                .addKeyValue("duration_ms", Math.max(0, ticker.currentTimeMillis() - m.acceptedAt()));
        if (s instanceof Settlement.DeadLettered d) {
            event = event.addKeyValue("reason", d.reason().label());
        }
        event.log("{}", outcome(s));
    }

    private static String poolOf(Settlement s, StoredMessage m) {
        String pool = switch (s) {
            case Settlement.Delivered d -> d.pool();
            case Settlement.Retry r -> r.pool();
            case Settlement.DeadLettered d -> d.pool();
        };
        return pool == null ? m.pool() : pool;
    }

    static String outcome(Settlement s) {
        return switch (s) {
            case Settlement.Delivered d -> "delivered";
            case Settlement.Retry r -> "retry";
            case Settlement.DeadLettered d -> "dead_lettered";
        };
    }
}
