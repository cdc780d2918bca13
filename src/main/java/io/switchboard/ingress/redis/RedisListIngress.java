package io.switchboard.ingress.redis;

import io.lettuce.core.LMoveArgs;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.sync.RedisCommands;
import io.switchboard.AsyncPipeline;
import io.switchboard.config.IngressConfig;
import io.switchboard.message.Ids;
import io.switchboard.time.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.util.List;
import java.util.Map;

/**
 * Takes messages from a Redis list with the reliable-queue pattern: each item is moved atomically to this engine's
 * processing list ({@code BLMOVE}, oldest first), stored as an asynchronous message, and only then removed from the
 * processing list. Items left in the processing list by an engine that died are taken up first at the next start.
 * An item that is not JSON (or too large) goes to the dead-letter queue with the reason and never blocks the list.
 */
public final class RedisListIngress extends RedisIngress {

    private static final Logger LOG = LoggerFactory.getLogger(RedisListIngress.class);

    private final String processing;
    private final Map<String, String> metadata;
    private final Ticker ticker;

    /**
     * @param host         names this engine's processing list unless the config does
     * @param maxItemBytes larger items are dead-lettered as too large ({@code server.max_body_bytes})
     */
    public RedisListIngress(IngressConfig config, String host, AsyncPipeline async, long maxItemBytes, Ticker ticker,
                            Runnable reconnected) {
        super(config, "redis list ingress", async, maxItemBytes, reconnected, LOG);
        this.processing = config.processingKey(host);
        this.metadata = Map.of("ingress", "redis-list", "redis_key", config.key());
        this.ticker = ticker;
    }

    @Override
    public RedisListIngress start() {
        startLoop();
        LOG.atInfo().addKeyValue("event", "ingress_started").addKeyValue("type", config.type())
                .addKeyValue("key", config.key()).addKeyValue("processing_key", processing)
                .log("taking messages from redis list {}", config.key());
        return this;
    }

    @Override
    protected void loop() {
        long backoff = 100;
        boolean recovered = false;
        while (running) {
            try {
                RedisCommands<String, String> redis = connection.commands();
                if (!recovered) {
                    recoverProcessingList(redis);
                    recovered = true;
                }
                String item = redis.blmove(config.key(), processing, LMoveArgs.Builder.rightLeft(),
                        config.pollTimeoutMs() / 1000.0);
                backoff = 100;
                if (item != null) {
                    take(redis, item, true);
                }
            } catch (RedisException e) {
                // After a reconnect the processing list is read again: an item whose removal failed is taken up.
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

    /** Items a previous run moved but did not finish, oldest first. */
    private void recoverProcessingList(RedisCommands<String, String> redis) throws InterruptedException {
        List<String> left = redis.lrange(processing, 0, -1);
        if (!left.isEmpty()) {
            LOG.atInfo().addKeyValue("event", "ingress_recovered").addKeyValue("processing_key", processing)
                    .addKeyValue("items", left.size())
                    .log("taking up {} items left in {} by an earlier run", left.size(), processing);
        }
        for (int i = left.size() - 1; i >= 0 && running; i--) {
            // Its dedup key may be this engine's own from before the crash: taken up without the check.
            take(redis, left.get(i), false);
        }
    }

    /**
     * Stores {@code item} (or dead-letters it, or drops it as a duplicate), then removes it from the processing list;
     * waits while the store refuses it.
     */
    private void take(RedisCommands<String, String> redis, String item, boolean dedup) throws InterruptedException {
        String requestId = Ids.newTraceId(ticker.currentTimeMillis());
        MDC.put("request_id", requestId);
        try {
            long backoff = 100;
            while (running) {
                String seen = dedup ? duplicates.keyOf(item) : null;
                if (seen != null && !duplicates.firstSighting(redis, seen, requestId)) {
                    redis.lrem(processing, 1, item);
                    return;
                }
                if (intake.submit(item, metadata, requestId)) {
                    redis.lrem(processing, 1, item);
                    return;
                }
                if (seen != null) {
                    duplicates.forget(redis, seen, requestId);
                }
                if (!pause(backoff)) {
                    return;
                }
                backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
            }
        } finally {
            MDC.clear();
        }
    }
}
