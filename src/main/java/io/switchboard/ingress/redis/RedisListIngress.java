package io.switchboard.ingress.redis;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.LMoveArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.switchboard.AsyncPipeline;
import io.switchboard.config.IngressConfig;
import io.switchboard.message.Envelope;
import io.switchboard.message.Ids;
import io.switchboard.message.Json;
import io.switchboard.store.StoreUnavailableException;
import io.switchboard.store.Submission;
import io.switchboard.time.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Takes messages from a Redis list with the reliable-queue pattern: each item is moved atomically to this engine's
 * processing list ({@code BLMOVE}, oldest first), stored as an asynchronous message, and only then removed from the
 * processing list. Items left in the processing list by an engine that died are taken up first at the next start.
 * An item that is not JSON (or too large) goes to the dead-letter queue with the reason and never blocks the list.
 */
public final class RedisListIngress implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisListIngress.class);
    private static final long MAX_BACKOFF_MILLIS = 5_000;

    private final IngressConfig config;
    private final String processing;
    private final AsyncPipeline async;
    private final long maxItemBytes;
    private final Ticker ticker;
    private final RedisClient client;
    private final AtomicLong reconnects = new AtomicLong();
    private volatile boolean running;
    private boolean connectedBefore;
    private volatile StatefulRedisConnection<String, String> connection;
    private Thread thread;

    /**
     * @param host         names this engine's processing list unless the config does
     * @param maxItemBytes larger items are dead-lettered as too large ({@code server.max_body_bytes})
     */
    public RedisListIngress(IngressConfig config, String host, AsyncPipeline async, long maxItemBytes, Ticker ticker) {
        this.config = config;
        this.processing = config.processingKey(host);
        this.async = async;
        this.maxItemBytes = maxItemBytes;
        this.ticker = ticker;
        RedisURI uri = RedisURI.create(config.uri());
        // A blocking pop holds the connection for poll_timeout_ms; commands may take that long and a bit.
        uri.setTimeout(Duration.ofMillis(config.pollTimeoutMs() + 5_000));
        this.client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(5)).build())
                .build());
    }

    public RedisListIngress start() {
        running = true;
        thread = Thread.ofVirtual().name("ingress-redis-" + config.key()).start(this::loop);
        LOG.atInfo().addKeyValue("event", "ingress_started").addKeyValue("type", config.type())
                .addKeyValue("key", config.key()).addKeyValue("processing_key", processing)
                .log("taking messages from redis list {}", config.key());
        return this;
    }

    private void loop() {
        long backoff = 100;
        boolean recovered = false;
        while (running) {
            try {
                RedisCommands<String, String> redis = commands();
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
                if (!running) {
                    return;
                }
                // After a reconnect the processing list is read again: an item whose removal failed is taken up.
                recovered = false;
                LOG.atWarn().addKeyValue("event", "ingress_redis_unavailable").addKeyValue("key", config.key())
                        .addKeyValue("retry_in_ms", backoff)
                        .log("redis list ingress {}: {}; trying again in {} ms", config.key(), e.getMessage(), backoff);
                dropConnection();
                if (!pause(backoff)) {
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
                String seen = dedup ? dedupKey(item) : null;
                String token = requestId;
                if (seen != null && redis.set(seen, token, SetArgs.Builder.nx().px(config.dedupWindowMs())) == null) {
                    LOG.atInfo().addKeyValue("event", "duplicate_dropped").addKeyValue("key", config.key())
                            .addKeyValue("dedup_key", seen.substring(DEDUP_PREFIX.length()))
                            .log("dropped a duplicate from {}: {} was seen within dedup_window_ms", config.key(),
                                    seen.substring(DEDUP_PREFIX.length()));
                    redis.lrem(processing, 1, item);
                    return;
                }
                if (store(item, requestId)) {
                    redis.lrem(processing, 1, item);
                    return;
                }
                if (seen != null && token.equals(redis.get(seen))) {
                    // Not stored after all: the next try must not count as a duplicate of itself.
                    redis.del(seen);
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

    private static final String DEDUP_PREFIX = "switchboard:dedup:";
    private static final java.util.regex.Pattern FIELD = java.util.regex.Pattern.compile("\\{([A-Za-z0-9_.-]+)}");

    /** The Redis key that remembers {@code item} by {@code dedup_key}; null without one, or for an item not JSON. */
    private String dedupKey(String item) {
        if (config.dedupKey() == null) {
            return null;
        }
        JsonNode content;
        try {
            content = Json.mapper().readTree(item);
        } catch (IOException e) {
            return null;
        }
        if (content == null || !content.isObject()) {
            return null;
        }
        java.util.regex.Matcher m = FIELD.matcher(config.dedupKey());
        StringBuilder out = new StringBuilder(DEDUP_PREFIX).append(config.key()).append(':');
        while (m.find()) {
            JsonNode v = content;
            for (String part : m.group(1).split("\\.")) {
                v = v == null ? null : v.get(part);
            }
            String text = v == null || v.isNull() ? "" : v.isValueNode() ? v.asText() : v.toString();
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(text));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** True once the item is stored (or dead-lettered); false when the store refused it for now. */
    private boolean store(String item, String requestId) {
        Map<String, String> metadata = Map.of("ingress", "redis-list", "redis_key", config.key());
        try {
            if (item.getBytes(StandardCharsets.UTF_8).length > maxItemBytes) {
                async.rejectOnArrival(new Envelope(Json.mapper().getNodeFactory().textNode(
                        item.substring(0, Math.min(item.length(), 1024))), metadata, null, null, null, null),
                        requestId, "item larger than server.max_body_bytes (" + maxItemBytes + " bytes); kept cut "
                                + "to its first 1024 characters");
                return true;
            }
            JsonNode content;
            try {
                content = Json.mapper().readTree(item);
            } catch (IOException e) {
                content = null;
            }
            if (content == null || content.isMissingNode()) {
                async.rejectOnArrival(new Envelope(Json.mapper().getNodeFactory().textNode(item), metadata, null, null,
                        null, null), requestId, "not JSON");
                return true;
            }
            Submission s = async.submit(new Envelope(content, metadata, null, null, null, null), requestId)
                    .submission();
            return !(s instanceof Submission.Refused);
        } catch (StoreUnavailableException e) {
            return false;
        }
    }

    private RedisCommands<String, String> commands() {
        StatefulRedisConnection<String, String> c = connection;
        if (c == null || !c.isOpen()) {
            if (connectedBefore) {
                reconnects.incrementAndGet();
            }
            c = client.connect();
            connection = c;
            connectedBefore = true;
            LOG.atInfo().addKeyValue("event", "ingress_connected").addKeyValue("key", config.key())
                    .addKeyValue("reconnects", reconnects.get()).log("redis list ingress {} connected", config.key());
        }
        return c.sync();
    }

    private void dropConnection() {
        StatefulRedisConnection<String, String> c = connection;
        if (c != null) {
            connection = null;
            c.closeAsync();
        }
    }

    private boolean pause(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
            return running;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** Stops taking items; one being stored finishes first (bounded by the store's timeouts). */
    @Override
    public void close() {
        running = false;
        if (thread != null) {
            try {
                if (!thread.join(Duration.ofMillis(config.pollTimeoutMs() + 5_000))) {
                    thread.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        StatefulRedisConnection<String, String> c = connection;
        if (c != null) {
            c.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
