package io.switchboard;

import io.switchboard.classify.Classification;
import io.switchboard.classify.Classifier;
import io.switchboard.deliver.DeliveryChain;
import io.switchboard.deliver.DeliveryResult;
import io.switchboard.message.Envelope;
import io.switchboard.message.Ids;
import io.switchboard.message.Message;
import io.switchboard.route.Route;
import io.switchboard.route.RoutingTable;
import io.switchboard.time.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * The synchronous path through the stages: classify, route, then deliver (queue, dispatch and attempts happen in
 * the delivery chain). Stateless apart from its parts, so one instance serves every request.
 */
public final class Pipeline {

    private static final Logger LOG = LoggerFactory.getLogger("switchboard.requests");

    private final Classifier classifier;
    private final RoutingTable routes;
    private final DeliveryChain chain;
    private final Ticker ticker;
    private final long defaultTtlMs;

    public Pipeline(Classifier classifier, RoutingTable routes, DeliveryChain chain, Ticker ticker, long defaultTtlMs) {
        this.classifier = classifier;
        this.routes = routes;
        this.chain = chain;
        this.ticker = ticker;
        this.defaultTtlMs = defaultTtlMs;
    }

    /** What classification would decide for an envelope, and where it would go. */
    public record Decision(Classification classification, Route route) {
    }

    /** A routed message and how its delivery ended. */
    public record Routed(Message message, Route route, DeliveryResult result) {
    }

    public Decision decide(Envelope envelope) {
        Classification c = classifier.classify(envelope);
        return new Decision(c, routes.routeFor(c.className()));
    }

    /** Classifies, routes and delivers one message; blocking, bounded by its deadline. */
    public Routed route(Envelope envelope, String requestId) throws InterruptedException {
        long accepted = ticker.nanoTime();
        Decision d = decide(envelope);
        long ttl = envelope.ttlMs() != null ? envelope.ttlMs() : defaultTtlMs;
        Message m = new Message(Ids.newId(ticker.currentTimeMillis()), requestId, envelope, d.classification(),
                accepted, accepted + TimeUnit.MILLISECONDS.toNanos(ttl));
        DeliveryResult result = chain.deliver(m, d.route());
        log(m, d.route(), result, ticker.nanoTime() - accepted);
        return new Routed(m, d.route(), result);
    }

    private static void log(Message m, Route route, DeliveryResult result, long nanos) {
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
        event.addKeyValue("request_id", m.requestId())
                .addKeyValue("message_id", m.id())
                .addKeyValue("class", m.className())
                .addKeyValue("priority", m.priority())
                .addKeyValue("route_pool", route.pool())
                .addKeyValue("attempts", result.attempts())
                .addKeyValue("duration_ms", TimeUnit.NANOSECONDS.toMillis(nanos))
                .log("routed");
    }
}
