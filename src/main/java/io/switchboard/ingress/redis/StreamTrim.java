package io.switchboard.ingress.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.XTrimArgs;
import io.lettuce.core.api.sync.RedisCommands;
import io.switchboard.config.IngressConfig;
import org.slf4j.Logger;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Trims a stream of the entries every consumer group reading it is done with ({@code XTRIM MINID}): never one a group
 * has not read yet, or has read and not acknowledged, whichever consumers and groups read the stream.
 */
final class StreamTrim {

    private final IngressConfig config;
    private final Logger log;
    private boolean failing;

    /** @param log where a refused trim is reported: the ingress's own logger */
    StreamTrim(IngressConfig config, Logger log) {
        this.config = config;
        this.log = log;
    }

    /**
     * Trims the entries before the lowest, over all groups ({@code XINFO GROUPS}), of the oldest entry a group has
     * pending ({@code XPENDING}) or, for a group with none pending, the last entry it read.
     */
    void trim(RedisCommands<String, String> redis) {
        try {
            String floor = null;
            for (Object info : redis.xinfoGroups(config.key())) {
                Map<String, Object> group = pairs(info);
                String oldest = null;
                if (((Number) group.get("pending")).longValue() > 0) {
                    oldest = redis.xpending(config.key(), String.valueOf(group.get("name"))).getMessageIds()
                            .getLower().getValue();
                }
                // Pending nothing (or nothing any more): what it has not read yet comes after its last-delivered-id.
                String groupFloor = oldest != null ? oldest : String.valueOf(group.get("last-delivered-id"));
                if (floor == null || compareIds(groupFloor, floor) < 0) {
                    floor = groupFloor;
                }
            }
            if (floor != null && compareIds(floor, "0-0") > 0) {
                redis.xtrim(config.key(), XTrimArgs.Builder.minId(floor));
            }
            failing = false;
        } catch (RedisCommandExecutionException e) {
            // Refused by the server (e.g. an ACL without XTRIM): entries are still taken, the stream only grows.
            if (!failing) {
                log.atWarn().addKeyValue("event", "ingress_trim_failed").addKeyValue("key", config.key())
                        .log("redis stream ingress {} cannot trim the stream: {}", config.key(), e.getMessage());
            }
            failing = true;
        }
    }

    /** An {@code XINFO} reply's alternating names and values. */
    private static Map<String, Object> pairs(Object reply) {
        Map<String, Object> out = new HashMap<>();
        if (reply instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(String.valueOf(k), v));
        } else if (reply instanceof List<?> l) {
            for (int i = 0; i + 1 < l.size(); i += 2) {
                out.put(String.valueOf(l.get(i)), l.get(i + 1));
            }
        }
        return out;
    }

    /** Orders stream ids ({@code <ms>-<seq>}, both unsigned 64-bit). */
    static int compareIds(String a, String b) {
        int da = a.indexOf('-');
        int db = b.indexOf('-');
        int byTime = Long.compareUnsigned(Long.parseUnsignedLong(da < 0 ? a : a.substring(0, da)),
                Long.parseUnsignedLong(db < 0 ? b : b.substring(0, db)));
        if (byTime != 0) {
            return byTime;
        }
        return Long.compareUnsigned(da < 0 ? 0 : Long.parseUnsignedLong(a.substring(da + 1)),
                db < 0 ? 0 : Long.parseUnsignedLong(b.substring(db + 1)));
    }
}
