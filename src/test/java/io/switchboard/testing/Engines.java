package io.switchboard.testing;

import io.switchboard.Switchboard;
import io.switchboard.config.ConfigSource;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.time.Ticker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** Builds engines for tests from YAML text, with {@code {{id}}} placeholders replaced by test workers' URLs. */
public final class Engines {

    private static final Pattern AUTH_SECTION = Pattern.compile("(?m)^auth:");

    private Engines() {
    }

    /**
     * A config file written from {@code yaml} and the environment it is read with, which a test may rewrite and
     * have the engine reload.
     */
    public record ConfigFile(Path path, Map<String, String> env, List<TestWorker> workers) {

        /** Where an engine reads this file from, again on each reload. */
        public ConfigSource source() {
            return ConfigSource.file(path, Optional.empty(), env);
        }

        /** Replaces the file's text with {@code yaml}, placeholders filled from the same workers. */
        public void write(String yaml) {
            try {
                Files.writeString(path, fill(yaml, workers));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * Writes {@code yaml} (placeholders filled from {@code workers}) to a file under {@code dir}. Unless the YAML
     * starts its store section with a path or a type ({@code store: {path: ...}}, {@code store: {type: redis...}}),
     * the store goes to a fresh directory under {@code dir}. Unless it has an {@code auth:} section, authentication
     * is off ({@code auth: {mode: disabled}}), as the tests of everything else need.
     */
    public static ConfigFile file(Path dir, String yaml, TestWorker... workers) {
        String text = fill(yaml, List.of(workers));
        try {
            Path file = Files.createTempFile(dir, "switchboard-", ".yaml");
            Files.writeString(file, text);
            Map<String, String> env = new HashMap<>();
            if (!text.contains("store: {path:") && !text.contains("store: {type:")) {
                env.put("SWITCHBOARD_STORE_PATH", Files.createTempDirectory(dir, "store-").toString());
            }
            if (!AUTH_SECTION.matcher(text).find()) {
                env.put("SWITCHBOARD_AUTH_MODE", "disabled");
            }
            return new ConfigFile(file, Map.copyOf(env), List.of(workers));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String fill(String yaml, List<TestWorker> workers) {
        String text = yaml;
        for (TestWorker w : workers) {
            text = text.replace("{{" + w.id() + "}}", w.url().toString());
        }
        return text;
    }

    /** Loads {@code yaml} through the real config loader, as {@link #file} writes it. */
    public static SwitchboardConfig config(Path dir, String yaml, TestWorker... workers) {
        return file(dir, yaml, workers).source().load();
    }

    /** A started engine on an ephemeral port that reads {@code file} again on each reload. */
    public static Switchboard start(ConfigFile file) {
        try {
            return Switchboard.create(file.source().load(), file.source()).start();
        } catch (Exception e) {
            throw new IllegalStateException("engine did not start", e);
        }
    }

    /** A started engine on an ephemeral port with the system clock. */
    public static Switchboard start(Path dir, String yaml, TestWorker... workers) {
        return start(Ticker.system(), dir, yaml, workers);
    }

    /** A started engine on an ephemeral port with the given clock. */
    public static Switchboard start(Ticker ticker, Path dir, String yaml, TestWorker... workers) {
        try {
            return Switchboard.create(config(dir, yaml, workers), ticker, ThreadLocalRandom.current()).start();
        } catch (Exception e) {
            throw new IllegalStateException("engine did not start", e);
        }
    }

}
