package io.switchboard.store.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** The store's Lua scripts, each prefixed with {@code lib.lua}, run by digest (and sent whole when Redis lacks it). */
enum Scripts {
    SUBMIT, REJECT, CLAIM, EXPIRE, ATTEMPT, SETTLE, SWEEP, REAP, MOVE, PRUNE, REPLAY, PURGE, EVENTS_DUE,
    EVENTS_REMOVE, EVENTS_FAILED;

    private static final String[] NO_KEYS = new String[0];

    private final String body;
    private final String digest;

    Scripts() {
        body = resource("lib.lua") + resource(name().toLowerCase(java.util.Locale.ROOT) + ".lua");
        try {
            digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = Scripts.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing store script " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the script with {@code args} (the key prefix first) and answers its array reply. */
    List<Object> list(RedisCommands<String, String> redis, List<String> args) {
        return run(redis, ScriptOutputType.MULTI, args);
    }

    /** Runs the script with {@code args} (the key prefix first) and answers its integer reply. */
    long number(RedisCommands<String, String> redis, List<String> args) {
        Long n = run(redis, ScriptOutputType.INTEGER, args);
        return n == null ? 0 : n;
    }

    private <T> T run(RedisCommands<String, String> redis, ScriptOutputType type, List<String> args) {
        String[] values = args.toArray(String[]::new);
        try {
            return redis.evalsha(digest, type, NO_KEYS, values);
        } catch (RedisNoScriptException e) {
            // A restarted Redis has an empty script cache; EVAL caches it again.
            return redis.eval(body, type, NO_KEYS, values);
        }
    }
}
