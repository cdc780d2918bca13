package io.switchboard.complete.redis;

import io.lettuce.core.RedisException;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.sync.RedisCommands;
import io.switchboard.complete.EventSink;
import io.switchboard.redis.RedisLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Sends each event to Redis: {@code PUBLISH} on a channel, {@code XADD} to a stream (field {@code event}, trimmed
 * to about {@code max_len} entries), or {@code LPUSH} to a list. One connection, made on first use and again after it
 * is lost; while Redis is unreachable a send fails at once (nothing is buffered behind the outbox's back), and the
 * relay tries it later.
 */
public final class RedisEventSink implements EventSink {

    private static final Logger LOG = LoggerFactory.getLogger(RedisEventSink.class);

    private interface Send {
        void to(RedisCommands<String, String> redis, String event);
    }

    private final String name;
    private final String where;
    private final Send send;
    private final RedisLink link;

    private RedisEventSink(String name, URI uri, Duration timeout, String where, Send send) {
        this.name = name;
        this.where = where;
        this.send = send;
        this.link = new RedisLink(uri, timeout, timeout, again -> LOG.atInfo()
                .addKeyValue("event", "event_sink_connected").addKeyValue("sink", name)
                .log("event sink {} connected to redis ({})", name, where));
    }

    /** A sink that publishes every event on {@code channel}. */
    public static RedisEventSink pubSub(String name, URI uri, String channel, Duration timeout) {
        return new RedisEventSink(name, uri, timeout, "channel " + channel,
                (redis, event) -> redis.publish(channel, event));
    }

    /** A sink that pushes every event on the head of the list at {@code key} ({@code LPUSH}). */
    public static RedisEventSink list(String name, URI uri, String key, Duration timeout) {
        return new RedisEventSink(name, uri, timeout, "list " + key, (redis, event) -> redis.lpush(key, event));
    }

    /** A sink that appends every event to the stream at {@code key}, trimmed to about {@code maxLen} entries. */
    public static RedisEventSink stream(String name, URI uri, String key, long maxLen, Duration timeout) {
        XAddArgs args = XAddArgs.Builder.maxlen(maxLen).approximateTrimming();
        return new RedisEventSink(name, uri, timeout, "stream " + key,
                (redis, event) -> redis.xadd(key, args, Map.of("event", event)));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Result send(byte[] event) {
        RedisCommands<String, String> redis = null;
        try {
            redis = link.commands();
            send.to(redis, new String(event, StandardCharsets.UTF_8));
            return Result.SENT;
        } catch (RedisException e) {
            link.failed(redis, e);
            return new Result.Failed("redis " + where + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        link.close();
    }
}
