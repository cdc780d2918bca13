package io.switchboard;

import io.switchboard.classify.Classification;
import io.switchboard.deliver.DeliveryChain;
import io.switchboard.deliver.DeliveryResult;
import io.switchboard.deliver.StageTimes;
import io.switchboard.message.Envelope;
import io.switchboard.message.Ids;
import io.switchboard.message.Message;
import io.switchboard.route.Route;
import io.switchboard.time.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.util.concurrent.TimeUnit;

/**
 * The synchronous path through the stages: classify, route, then deliver (queue, dispatch and attempts happen in
 * the delivery chain). Stateless apart from its parts, so one instance serves every request.
 */
public final class Pipeline {

    private static final Logger LOG = LoggerFactory.getLogger("switchboard.requests");

    private final Rulebook rules;
    private final DeliveryChain chain;
    private final Ticker ticker;
    private final long defaultTtlMs;
    private final long slowNanos;
    private final ContentLog contentLog;

    /**
     * @param rules          the classes and routes in force, read once per message
     * @param includeContent whether the request line and the slow-request line show the message's content
     */
    public Pipeline(Rulebook rules, DeliveryChain chain, Ticker ticker, long defaultTtlMs, long slowRequestMs,
                    boolean includeContent) {
        this.rules = rules;
        this.chain = chain;
        this.ticker = ticker;
        this.defaultTtlMs = defaultTtlMs;
        this.slowNanos = TimeUnit.MILLISECONDS.toNanos(slowRequestMs);
        this.contentLog = new ContentLog(includeContent);
    }

    /** Whether lines about messages show their content; the asynchronous path logs alike. */
    ContentLog contentLog() {
        return contentLog;
    }

    /** What classification would decide for an envelope, and where it would go. */
    public record Decision(Classification classification, Route route) {
    }

    /** A routed message and how its delivery ended. */
    public record Routed(Message message, Route route, DeliveryResult result) {
    }

    /** The rules in force now, for a request that reads them once and decides by them. */
    public Rulebook.Edition rules() {
        return rules.current();
    }

    /** Classifies and routes {@code envelope} by the rules in force now. */
    public Decision decide(Envelope envelope) {
        return decide(envelope, rules.current());
    }

    /** Classifies and routes {@code envelope} by {@code edition}, the one its explicit class was checked against. */
    public Decision decide(Envelope envelope, Rulebook.Edition edition) {
        Classification c = edition.classifier().classify(envelope);
        return new Decision(c, edition.routes().routeFor(c.className()));
    }

    /** Classifies, routes and delivers one message; blocking, bounded by its deadline. */
    public Routed route(Envelope envelope, String requestId) throws InterruptedException {
        long accepted = ticker.nanoTime();
        return route(envelope, decide(envelope), accepted, requestId);
    }

    /**
     * Delivers a message already classified and routed by {@link #decide} (e.g. so that the route's rate limit could
     * be checked first); {@code accepted} is when it was accepted (ticker nanoseconds), before its classification.
     */
    public Routed route(Envelope envelope, Decision d, long accepted, String requestId) throws InterruptedException {
        long classified = ticker.nanoTime();
        long ttl = envelope.ttlMs() != null ? envelope.ttlMs() : defaultTtlMs;
        Message m = new Message(Ids.newId(ticker.currentTimeMillis()), requestId, envelope, d.classification(),
                accepted, accepted + TimeUnit.MILLISECONDS.toNanos(ttl));
        MDC.put("message_id", m.id());
        StageTimes times = new StageTimes();
        DeliveryResult result = chain.deliver(m, d.route(), times);
        long total = ticker.nanoTime() - accepted;
        log(m, d.route(), result, total);
        if (total > slowNanos) {
            logSlow(m, result, total, classified - accepted, times);
        }
        return new Routed(m, d.route(), result);
    }

    private void logSlow(Message m, DeliveryResult result, long total, long classify, StageTimes times) {
        contentLog.add(LOG.atWarn(), m.envelope())
                .addKeyValue("event", "slow_request")
                .addKeyValue("class", m.className())
                .addKeyValue("attempts", result.attempts())
                .addKeyValue("duration_ms", ms(total))
                .addKeyValue("classify_ms", ms(classify))
                .addKeyValue("queue_wait_ms", ms(times.queueWaitNanos()))
                .addKeyValue("worker_ms", ms(times.workerNanos()))
                .addKeyValue("backoff_ms", ms(times.backoffNanos()))
                .addKeyValue("engine_ms", ms(total - times.queueWaitNanos() - times.workerNanos() - times.backoffNanos()))
                .log("slow request: {} ms", ms(total));
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private void log(Message m, Route route, DeliveryResult result, long nanos) {
        var event = switch (result) {
            case DeliveryResult.Success s -> LOG.atInfo()
                    .addKeyValue("pool", s.pool())
                    .addKeyValue("worker", s.worker())
                    .addKeyValue("outcome", "delivered");
            case DeliveryResult.Failure f -> LOG.atInfo()
                    .addKeyValue("pool", f.pool())
                    .addKeyValue("worker", f.worker())
                    .addKeyValue("outcome", "failed")
                    .addKeyValue("error_category", f.category().label())
                    .addKeyValue("error", f.detail());
        };
        // request_id and message_id travel in the MDC, so every line about this message carries them.
        contentLog.add(event, m.envelope()).addKeyValue("class", m.className())
                .addKeyValue("priority", m.priority())
                .addKeyValue("route_pool", route.pool())
                .addKeyValue("attempts", result.attempts())
                .addKeyValue("duration_ms", TimeUnit.NANOSECONDS.toMillis(nanos))
                .log("routed");
    }
}
