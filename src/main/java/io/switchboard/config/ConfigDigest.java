package io.switchboard.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A short fingerprint of the part of a configuration a reload applies ({@code classes}, {@code default_class},
 * {@code routes}, {@code auth}): equal on two engines exactly when they run the same rules, whichever version number
 * each counts. It covers API keys by their configured SHA-256 only, and no other key's value.
 */
public final class ConfigDigest {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private ConfigDigest() {
    }

    /** The first 16 hex digits of the SHA-256 of the reloadable sections as JSON. */
    public static String of(SwitchboardConfig config) {
        Map<String, Object> rules = new LinkedHashMap<>();
        rules.put("classes", config.classes());
        rules.put("default_class", config.defaultClass());
        rules.put("routes", config.routes());
        rules.put("auth", config.auth());
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(JSON.writeValueAsString(rules)
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha, 0, 8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("configuration records are plain values", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
