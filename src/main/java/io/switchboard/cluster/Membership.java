package io.switchboard.cluster;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;

import java.time.Duration;
import java.util.function.IntSupplier;

/**
 * The live engine instances, as a heartbeat set in Redis: a sorted set {@code <prefix>members} whose members are
 * instance ids scored with the epoch millisecond of their last heartbeat. An instance is live while its score is within
 * the liveness window. The caller beats about once a second on a connection of its own; the last count read stays
 * the answer while Redis is unreachable.
 */
public final class Membership implements IntSupplier {

    /** How long an instance counts as live after its last heartbeat, unless told otherwise. */
    public static final Duration LIVENESS = Duration.ofSeconds(5);

    // Scored with the Redis server's clock, so the hosts' clocks never need to agree. Members silent for longer than
    // the window are removed, and the set itself expires when the whole fleet is gone.
    private static final String BEAT = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local window = tonumber(ARGV[2])
            redis.call('ZADD', KEYS[1], now, ARGV[1])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window - 1)
            redis.call('PEXPIRE', KEYS[1], window)
            return redis.call('ZCARD', KEYS[1])
            """;

    private final String key;
    private final String instance;
    private final long livenessMillis;
    private volatile int live = 1;

    /**
     * @param prefix   the fleet's key prefix ({@code switchboard:} by default)
     * @param instance this engine's id, unique in the fleet
     * @param liveness how long an instance counts as live after its last heartbeat
     */
    public Membership(String prefix, String instance, Duration liveness) {
        if (liveness.toMillis() < 1) {
            throw new IllegalArgumentException("liveness must be at least 1 ms, got " + liveness);
        }
        this.key = prefix + "members";
        this.instance = instance;
        this.livenessMillis = liveness.toMillis();
    }

    /** Records this instance's heartbeat, forgets instances silent for longer than the window, and counts the rest. */
    public int beat(RedisCommands<String, String> redis) {
        Long n = redis.eval(BEAT, ScriptOutputType.INTEGER, new String[] {key}, instance,
                Long.toString(livenessMillis));
        live = Math.max(1, n == null ? 1 : n.intValue());
        return live;
    }

    /** Removes this instance at once, so the others need not wait out the liveness window. */
    public void leave(RedisCommands<String, String> redis) {
        redis.zrem(key, instance);
    }

    /** Live instances at the last heartbeat, this one included; 1 before the first. */
    @Override
    public int getAsInt() {
        return live;
    }
}
