package io.switchboard.ingress.redis;

import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.lettuce.core.models.stream.PendingMessage;
import io.switchboard.AsyncPipeline;
import io.switchboard.config.IngressConfig;
import io.switchboard.message.Ids;
import io.switchboard.message.Json;
import io.switchboard.time.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Takes messages from a Redis stream as one consumer of a consumer group: entries are read with {@code XREADGROUP},
 * each stored as an asynchronous message and only then acknowledged ({@code XACK}). At start this consumer first
 * finishes the entries it had read before; entries another consumer read and left unacknowledged for
 * {@code claim_idle_ms} are taken over ({@code XAUTOCLAIM}). An entry read more than {@code max_deliveries} times, or
 * one that is not JSON (or too large), goes to the dead-letter queue with the reason and never blocks the stream.
 * Entries every group has acknowledged are trimmed off the stream.
 */
public final class RedisStreamIngress extends RedisIngress {

    private static final Logger LOG = LoggerFactory.getLogger(RedisStreamIngress.class);
    /** Fields that carry an entry's JSON item when they are the entry's only field. */
    private static final Set<String> ITEM_FIELDS = Set.of("payload", "data", "message");

    private final Consumer<String> consumer;
    private final Ticker ticker;
    private final StreamTrim trimmer;
    private final long blockMillis;
    private final long claimEveryNanos;
    private final long keepEveryNanos;
    private final long maxBackoffMillis;
    /** This consumer's pending entries as of the last {@link #keepPending}, or null when it has not run this batch. */
    private Set<String> owned;
    private long keptAt;

    /**
     * @param host         names this engine's consumer unless the config does
     * @param maxItemBytes larger entries are dead-lettered as too large ({@code server.max_body_bytes})
     */
    public RedisStreamIngress(IngressConfig config, String host, AsyncPipeline async, long maxItemBytes,
                              Ticker ticker, Runnable reconnected) {
        super(config, "redis stream ingress", async, maxItemBytes, reconnected, LOG);
        this.consumer = Consumer.from(config.group(), config.consumer(host));
        this.ticker = ticker;
        this.trimmer = new StreamTrim(config, LOG);
        // Claiming happens between reads, so a read never blocks past the time the next claim is due.
        this.blockMillis = Math.min(config.pollTimeoutMs(), config.claimIdleMs() / 2);
        this.claimEveryNanos = TimeUnit.MILLISECONDS.toNanos(config.claimIdleMs() / 2);
        // A batch that takes long (a slow or refusing store) is kept from being taken over well before claim_idle_ms.
        this.keepEveryNanos = TimeUnit.MILLISECONDS.toNanos(config.claimIdleMs() / 3);
        this.maxBackoffMillis = Math.min(MAX_BACKOFF_MILLIS, config.claimIdleMs() / 3);
    }

    @Override
    public RedisStreamIngress start() {
        startLoop();
        LOG.atInfo().addKeyValue("event", "ingress_started").addKeyValue("type", config.type())
                .addKeyValue("key", config.key()).addKeyValue("group", consumer.getGroup())
                .addKeyValue("consumer", consumer.getName())
                .log("taking messages from redis stream {} as {} of group {}", config.key(), consumer.getName(),
                        consumer.getGroup());
        return this;
    }

    @Override
    protected void loop() {
        long backoff = 100;
        boolean recovered = false;
        long nextClaim = ticker.nanoTime();
        while (running) {
            try {
                RedisCommands<String, String> redis = connection.commands();
                if (!recovered) {
                    createGroup(redis);
                    recoverPending(redis);
                    recovered = true;
                }
                if (ticker.nanoTime() - nextClaim >= 0) {
                    claimIdle(redis);
                    nextClaim = ticker.nanoTime() + claimEveryNanos;
                }
                List<StreamMessage<String, String>> entries = redis.xreadgroup(consumer,
                        XReadArgs.Builder.count(config.batch()).block(blockMillis),
                        StreamOffset.lastConsumed(config.key()));
                backoff = 100;
                takeAll(redis, entries, false);
            } catch (RedisException e) {
                // After a reconnect the group is made sure of and this consumer's pending entries are read again: an
                // entry whose XACK failed is taken up (Redis may also have come back empty, without the group).
                recovered = false;
                if (!unavailable(e, backoff)) {
                    return;
                }
                backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Creates the group at the start of the stream (and the stream) when missing, so entries added before the first
     * engine started are taken too, as items already on a list would be.
     */
    private void createGroup(RedisCommands<String, String> redis) {
        try {
            redis.xgroupCreate(StreamOffset.from(config.key(), "0"), consumer.getGroup(),
                    XGroupCreateArgs.Builder.mkstream());
            LOG.atInfo().addKeyValue("event", "ingress_group_created").addKeyValue("key", config.key())
                    .addKeyValue("group", consumer.getGroup())
                    .log("created consumer group {} on {}", consumer.getGroup(), config.key());
        } catch (RedisCommandExecutionException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("BUSYGROUP")) {
                throw e;
            }
        }
    }

    /** Entries this consumer read before (in an earlier run, or before a reconnect) and did not acknowledge. */
    private void recoverPending(RedisCommands<String, String> redis) throws InterruptedException {
        String after = "0";
        int taken = 0;
        while (running) {
            List<StreamMessage<String, String>> mine = redis.xreadgroup(consumer,
                    XReadArgs.Builder.count(config.batch()), StreamOffset.from(config.key(), after));
            if (mine.isEmpty()) {
                break;
            }
            taken += mine.size();
            takeAll(redis, mine, true);
            after = mine.getLast().getId();
        }
        if (taken > 0) {
            LOG.atInfo().addKeyValue("event", "ingress_recovered").addKeyValue("key", config.key())
                    .addKeyValue("consumer", consumer.getName()).addKeyValue("entries", taken)
                    .log("took up {} entries {} had read from {} and not acknowledged", taken, consumer.getName(),
                            config.key());
        }
    }

    /** Takes over entries any consumer of the group left unacknowledged for {@code claim_idle_ms}. */
    private void claimIdle(RedisCommands<String, String> redis) throws InterruptedException {
        String cursor = "0-0";
        do {
            ClaimedMessages<String, String> claimed = redis.xautoclaim(config.key(),
                    XAutoClaimArgs.Builder.xautoclaim(consumer, config.claimIdleMs(), cursor).count(config.batch()));
            List<StreamMessage<String, String>> entries = claimed.getMessages();
            if (!entries.isEmpty()) {
                LOG.atInfo().addKeyValue("event", "ingress_claimed").addKeyValue("key", config.key())
                        .addKeyValue("consumer", consumer.getName()).addKeyValue("entries", entries.size())
                        .log("took over {} entries of {} left unacknowledged for {} ms", entries.size(),
                                config.key(), config.claimIdleMs());
            }
            takeAll(redis, entries, true);
            cursor = claimed.getId();
        } while (running && cursor != null && !"0-0".equals(cursor));
    }

    /**
     * Takes {@code entries} in order, then trims the stream. {@code redelivered}: they were read before (pending
     * entries of this consumer, or taken over), so their delivery counts are looked up, and one that is no longer
     * this consumer's is left alone.
     */
    private void takeAll(RedisCommands<String, String> redis, List<StreamMessage<String, String>> entries,
                         boolean redelivered) throws InterruptedException {
        if (entries == null || entries.isEmpty()) {
            return;
        }
        Map<String, Long> deliveries = redelivered ? deliveries(redis, entries) : Map.of();
        owned = null;
        keptAt = ticker.nanoTime();
        boolean acked = false;
        for (StreamMessage<String, String> entry : entries) {
            if (!running) {
                break;
            }
            Long n = redelivered ? deliveries.get(entry.getId()) : Long.valueOf(1);
            if (n == null || !stillHeld(redis, entry.getId())) {
                continue;
            }
            acked |= take(redis, entry, n);
        }
        if (acked && config.trim()) {
            trimmer.trim(redis);
        }
    }

    /** How often each of {@code entries} has been delivered, counting this time, for those this consumer holds. */
    private Map<String, Long> deliveries(RedisCommands<String, String> redis,
                                         List<StreamMessage<String, String>> entries) {
        // This consumer holds no more than one batch besides these.
        List<PendingMessage> pending = redis.xpending(config.key(), consumer,
                Range.create(entries.getFirst().getId(), entries.getLast().getId()),
                Limit.from(2 * config.batch()));
        Map<String, Long> counts = new HashMap<>();
        for (PendingMessage p : pending) {
            counts.put(p.getId(), p.getRedeliveryCount());
        }
        return counts;
    }

    /**
     * Stores the entry (or dead-letters it, or drops it as a duplicate), then acknowledges it; waits while the store
     * refuses it. False when it is left unacknowledged: on stopping, or when another consumer took it over meanwhile.
     */
    private boolean take(RedisCommands<String, String> redis, StreamMessage<String, String> entry, long deliveries)
            throws InterruptedException {
        String id = entry.getId();
        if (entry.getBody() == null || entry.getBody().isEmpty()) {
            // Deleted from the stream (XDEL, or a producer's MAXLEN) while pending: there is nothing left to store.
            LOG.atWarn().addKeyValue("event", "ingress_entry_gone").addKeyValue("key", config.key())
                    .addKeyValue("entry", id).log("entry {} of {} was deleted before it was stored", id, config.key());
            redis.xack(config.key(), consumer.getGroup(), id);
            return true;
        }
        String item = item(entry.getBody());
        Map<String, String> metadata = Map.of("ingress", "redis-stream", "redis_key", config.key(), "redis_id", id);
        String requestId = Ids.newTraceId(ticker.currentTimeMillis());
        MDC.put("request_id", requestId);
        try {
            long backoff = Math.min(100, maxBackoffMillis);
            while (running) {
                // One read before may have set its dedup key without storing it: taken up again without the check.
                String seen = deliveries == 1 ? duplicates.keyOf(item) : null;
                if (seen != null && !duplicates.firstSighting(redis, seen, requestId)) {
                    redis.xack(config.key(), consumer.getGroup(), id);
                    return true;
                }
                boolean done = deliveries > config.maxDeliveries()
                        ? intake.reject(item, metadata, requestId, "delivered " + deliveries + " times by stream "
                                + config.key() + ", more than max_deliveries (" + config.maxDeliveries() + ")")
                        : intake.submit(item, metadata, requestId);
                if (done) {
                    redis.xack(config.key(), consumer.getGroup(), id);
                    return true;
                }
                if (seen != null) {
                    duplicates.forget(redis, seen, requestId);
                }
                if (!pause(backoff)) {
                    return false;
                }
                backoff = Math.min(maxBackoffMillis, backoff * 2);
                if (!stillHeld(redis, id)) {
                    LOG.atInfo().addKeyValue("event", "ingress_entry_taken_over").addKeyValue("key", config.key())
                            .addKeyValue("entry", id)
                            .log("entry {} of {} was taken over by another consumer while the store refused it", id,
                                    config.key());
                    return false;
                }
            }
            return false;
        } finally {
            MDC.clear();
        }
    }

    /**
     * Whether entry {@code id} of the batch being taken is still this consumer's; keeps the batch's entries every
     * {@code claim_idle_ms / 3} first.
     */
    private boolean stillHeld(RedisCommands<String, String> redis, String id) {
        if (ticker.nanoTime() - keptAt >= keepEveryNanos) {
            keepPending(redis);
            keptAt = ticker.nanoTime();
        }
        return owned == null || owned.contains(id);
    }

    /**
     * Resets the idle time of the entries this consumer holds ({@code XCLAIM ... JUSTID}, which leaves their delivery
     * counts alone), so no other consumer takes them over while this one is slow; remembers their ids.
     */
    private void keepPending(RedisCommands<String, String> redis) {
        String[] ids = redis.xpending(config.key(), consumer, Range.unbounded(), Limit.from(2 * config.batch()))
                .stream().map(PendingMessage::getId).toArray(String[]::new);
        if (ids.length > 0) {
            redis.xclaim(config.key(), consumer, XClaimArgs.Builder.justid(), ids);
        }
        owned = Set.of(ids);
    }

    /**
     * The entry's JSON item: the value of its only field when that is {@code payload}, {@code data} or
     * {@code message}; else all its fields as one JSON object of strings ({@code XADD s * command fetch chat @x}).
     */
    static String item(Map<String, String> fields) {
        if (fields.size() == 1) {
            Map.Entry<String, String> only = fields.entrySet().iterator().next();
            if (ITEM_FIELDS.contains(only.getKey())) {
                return only.getValue();
            }
        }
        var object = Json.mapper().createObjectNode();
        fields.forEach(object::put);
        return object.toString();
    }
}
