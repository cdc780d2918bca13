package io.switchboard.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.switchboard.AsyncPipeline;
import io.switchboard.complete.EventRelay;
import io.switchboard.store.DeadLetterReason;
import io.switchboard.store.MessageStatus;
import io.switchboard.store.Settlement;
import io.switchboard.store.Store;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Metrics of the asynchronous path: submissions, settlements per pool, messages in the store by status, the group
 * commit's latency, and completion events per sink.
 */
final class StoreMetrics implements AsyncPipeline.Observer, EventRelay.Observer {

    private final MeterRegistry registry;
    private final Labels labels;
    private final Map<String, Counter> submissions = new ConcurrentHashMap<>();
    private final Map<String, Counter> settled = new ConcurrentHashMap<>();
    private final Map<String, Counter> events = new ConcurrentHashMap<>();
    private final Timer commits;

    StoreMetrics(MeterRegistry registry, Labels labels, java.util.Collection<String> pools, List<String> sinks) {
        this.registry = registry;
        this.labels = labels;
        for (String outcome : List.of("accepted", "duplicate", "refused", "rejected")) {
            submission(outcome);
        }
        // Dead letters exist at zero from the start, so rate() and increase() see the first one.
        for (String pool : pools) {
            for (DeadLetterReason reason : DeadLetterReason.values()) {
                settled(labels.pool(pool), "dead_lettered", reason.label());
            }
        }
        for (String sink : sinks) {
            for (String outcome : List.of("sent", "failed", "dropped")) {
                event(sink, outcome);
            }
        }
        this.commits = Timer.builder("switchboard.store.commit")
                .description("Time to commit (and, with durability fsync, flush) one group of store writes")
                .serviceLevelObjectives(Buckets.STORE_COMMIT)
                .register(registry);
    }

    /** Gauges over what the store holds now: messages by status, events waiting per sink. */
    void bind(Store store, List<String> sinks) {
        for (MessageStatus s : MessageStatus.values()) {
            Gauge.builder("switchboard.store.messages", store, st -> st.counts().getOrDefault(s, 0L))
                    .description("Asynchronous messages in the store, by status")
                    .tag("status", s.label()).strongReference(true).register(registry);
        }
        for (String sink : sinks) {
            Gauge.builder("switchboard.events.pending", store, st -> st.pendingEvents().getOrDefault(sink, 0L))
                    .description("Completion events waiting in the outbox for a sink")
                    .tag("sink", sink).strongReference(true).register(registry);
        }
        Gauge.builder("switchboard.store.healthy", store, st -> st.healthy() ? 1 : 0)
                .description("1 while the store's last commit succeeded")
                .strongReference(true).register(registry);
    }

    LongConsumer commitObserver() {
        return nanos -> commits.record(nanos, TimeUnit.NANOSECONDS);
    }

    private Counter submission(String outcome) {
        return submissions.computeIfAbsent(outcome, o -> Counter.builder("switchboard.async.submissions")
                .description("Asynchronous submissions, by outcome: accepted (stored), duplicate (idempotency key), "
                        + "refused (store full, slow or failing), rejected (dead-lettered on arrival)")
                .tag("outcome", o).register(registry));
    }

    private Counter event(String sink, String outcome) {
        return events.computeIfAbsent(sink + '\0' + outcome, k -> Counter.builder("switchboard.events")
                .description("Completion events per sink, by outcome: sent, failed (tried again later), dropped")
                .tag("sink", sink).tag("outcome", outcome).register(registry));
    }

    @Override
    public void submitted(String outcome) {
        submission(outcome).increment();
    }

    @Override
    public void settled(String pool, Settlement settlement) {
        String p = labels.pool(pool);
        String outcome;
        String reason;
        switch (settlement) {
            case Settlement.Delivered d -> {
                outcome = "delivered";
                reason = "none";
            }
            case Settlement.Retry r -> {
                outcome = "retry";
                reason = "none";
            }
            case Settlement.DeadLettered d -> {
                outcome = "dead_lettered";
                reason = d.reason().label();
            }
        }
        settled(p, outcome, reason).increment();
    }

    private Counter settled(String pool, String outcome, String reason) {
        return settled.computeIfAbsent(pool + '\0' + outcome + '\0' + reason, k -> Counter.builder("switchboard.async.settled")
                .description("Delivery rounds of stored messages, by pool and outcome (delivered, retry, "
                        + "dead_lettered with its reason)")
                .tag("pool", pool).tag("outcome", outcome).tag("reason", reason).register(registry));
    }

    @Override
    public void sent(String sink) {
        event(sink, "sent").increment();
    }

    @Override
    public void failed(String sink) {
        event(sink, "failed").increment();
    }

    @Override
    public void dropped(String sink) {
        event(sink, "dropped").increment();
    }
}
