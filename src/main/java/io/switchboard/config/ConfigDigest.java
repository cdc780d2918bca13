package io.switchboard.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

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

    /** The first 16 hex digits of the SHA-256 of the {@link SwitchboardConfig#RELOADABLE} sections as JSON. */
    public static String of(SwitchboardConfig config) {
        ObjectNode rules = JSON.valueToTree(config);
        rules.retain(SwitchboardConfig.RELOADABLE);
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(JSON.writeValueAsBytes(rules));
            return HexFormat.of().formatHex(sha, 0, 8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("configuration records are plain values", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
