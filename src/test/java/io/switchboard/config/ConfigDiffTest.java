package io.switchboard.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a reload compares: key paths that differ, deep enough to name a pool's workers, and never a value; and the
 * digest that tells whether two engines run the same rules.
 */
class ConfigDiffTest {

    static final String BASE = """
            server: {port: 8080}
            classes: [{name: chat, patterns: ["hello"]}]
            default_class: chat
            pools:
              main: {workers: [{id: a, url: "http://127.0.0.1:9101/work"}]}
              spare: {workers: [{id: b, url: "http://127.0.0.1:9201/work"}]}
            routes: [{class: chat, pool: main}]
            store: {type: redis, url: "redis://:s3cret@127.0.0.1:6379"}
            auth: {mode: disabled}
            """;

    @TempDir
    Path dir;

    private SwitchboardConfig load(String yaml) throws IOException {
        Path file = Files.createTempFile(dir, "config-", ".yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(file, Optional.empty(), Map.of());
    }

    @Test
    void theSameConfigurationDiffersNowhere() throws IOException {
        assertThat(ConfigDiff.changedKeys(load(BASE), load(BASE))).isEmpty();
    }

    @Test
    void namesEachChangedKeyDownToAPoolsWorkers() throws IOException {
        SwitchboardConfig changed = load(BASE
                .replace("port: 8080", "port: 9090")
                .replace("9201/work", "9202/work")
                .replace("patterns: [\"hello\"]", "patterns: [\"hello\", \"hi\"]"));

        assertThat(ConfigDiff.changedKeys(load(BASE), changed))
                .containsExactly("server.port", "classes", "pools.spare.workers");
    }

    @Test
    void aPoolAddedOrRemovedIsNamed() throws IOException {
        SwitchboardConfig more = load(BASE.replace("  spare:",
                "  extra: {workers: [{id: c, url: \"http://127.0.0.1:9301/work\"}]}\n  spare:"));

        assertThat(ConfigDiff.changedKeys(load(BASE), more)).containsExactly("pools.extra");
        assertThat(ConfigDiff.changedKeys(more, load(BASE))).containsExactly("pools.extra");
    }

    @Test
    void aChangedSecretIsNamedByItsKeyAlone() throws IOException {
        var keys = ConfigDiff.changedKeys(load(BASE), load(BASE.replace("s3cret", "n3w-s3cret")));

        assertThat(keys).containsExactly("store.url");
        assertThat(keys.toString()).doesNotContain("s3cret");
    }

    @Test
    void theDigestFollowsTheRulesAndNothingElse() throws IOException {
        String digest = ConfigDigest.of(load(BASE));

        assertThat(digest).matches("[0-9a-f]{16}").isEqualTo(ConfigDigest.of(load(BASE)));
        assertThat(ConfigDigest.of(load(BASE.replace("port: 8080", "port: 9090").replace("9201/work", "9202/work"))))
                .as("pools and the listener are not rules").isEqualTo(digest);
        assertThat(ConfigDigest.of(load(BASE.replace("patterns: [\"hello\"]", "patterns: [\"hi\"]"))))
                .isNotEqualTo(digest);
        assertThat(ConfigDigest.of(load(BASE.replace("auth: {mode: disabled}",
                "auth: {mode: disabled, open_metrics: never}")))).isNotEqualTo(digest);
    }
}
