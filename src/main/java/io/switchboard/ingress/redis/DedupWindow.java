package io.switchboard.ingress.redis;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import io.switchboard.config.IngressConfig;
import io.switchboard.message.Json;
import org.slf4j.Logger;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An ingress's {@code dedup_key}: items whose key was seen within {@code dedup_window_ms}, by any engine on the same
 * Redis, are duplicates. The key is remembered with {@code SET NX PX} under {@code switchboard:dedup:<key>:}.
 */
final class DedupWindow {

    private static final String PREFIX = "switchboard:dedup:";
    private static final Pattern FIELD = Pattern.compile("\\{([A-Za-z0-9_.-]+)}");

    private final IngressConfig config;
    private final Logger log;

    /** @param log where dropped duplicates are reported: the ingress's own logger */
    DedupWindow(IngressConfig config, Logger log) {
        this.config = config;
        this.log = log;
    }

    /** The Redis key that remembers {@code item} by {@code dedup_key}; null without one, or for an item not JSON. */
    String keyOf(String item) {
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
        Matcher m = FIELD.matcher(config.dedupKey());
        StringBuilder out = new StringBuilder(PREFIX).append(config.key()).append(':');
        while (m.find()) {
            JsonNode v = content;
            for (String part : m.group(1).split("\\.")) {
                v = v == null ? null : v.get(part);
            }
            String text = v == null || v.isNull() ? "" : v.isValueNode() ? v.asText() : v.toString();
            m.appendReplacement(out, Matcher.quoteReplacement(text));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * Remembers {@code seen} for this item, named by {@code token}; false (logged) when it was already seen within
     * the window, i.e. the item is a duplicate.
     */
    boolean firstSighting(RedisCommands<String, String> redis, String seen, String token) {
        if (redis.set(seen, token, SetArgs.Builder.nx().px(config.dedupWindowMs())) != null) {
            return true;
        }
        String dedupKey = seen.substring(PREFIX.length());
        log.atInfo().addKeyValue("event", "duplicate_dropped").addKeyValue("key", config.key())
                .addKeyValue("dedup_key", dedupKey)
                .log("dropped a duplicate from {}: {} was seen within dedup_window_ms", config.key(), dedupKey);
        return false;
    }

    /** Forgets {@code seen} if {@code token} set it: the item was not stored after all, so a retry is no duplicate. */
    void forget(RedisCommands<String, String> redis, String seen, String token) {
        if (token.equals(redis.get(seen))) {
            redis.del(seen);
        }
    }
}
