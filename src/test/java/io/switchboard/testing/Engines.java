package io.switchboard.testing;

import io.switchboard.Switchboard;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.time.Ticker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
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
     * Loads {@code yaml} (placeholders filled from {@code workers}) through the real config loader. Unless the YAML
     * starts its store section with a path or a type ({@code store: {path: ...}}, {@code store: {type: redis...}}),
     * the store goes to a fresh directory under {@code dir}. Unless it has an {@code auth:} section, authentication
     * is off ({@code auth: {mode: disabled}}), as the tests of everything else need.
     */
    public static SwitchboardConfig config(Path dir, String yaml, TestWorker... workers) {
        String text = yaml;
        for (TestWorker w : workers) {
            text = text.replace("{{" + w.id() + "}}", w.url().toString());
        }
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
            return ConfigLoader.load(file, Optional.empty(), env);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
