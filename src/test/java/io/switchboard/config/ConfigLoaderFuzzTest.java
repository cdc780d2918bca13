package io.switchboard.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.switchboard.classify.Classifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Any file content is either a configuration (whose classifier then builds) or a {@link ConfigException} whose every
 * problem names the file and says what is wrong, within a bounded time; never another exception. Without
 * {@code JAZZER_FUZZ} the files under {@code ConfigLoaderFuzzTestInputs/} run as plain tests.
 */
class ConfigLoaderFuzzTest {

    /** Loading one file may take this long; a YAML bomb or a slow regex check must not get further. */
    private static final Duration BOUND = Duration.ofSeconds(10);

    @TempDir
    static Path dir;

    /** Class loading (and, when fuzzing, instrumenting) happens on the first load, outside the bound. */
    @BeforeAll
    static void warmUp() throws IOException {
        Path file = dir.resolve("warm-up.yaml");
        Files.writeString(file, """
                classes: [{name: chat, patterns: ['(?i)hello'], fields: {command: fetch}}]
                default_class: chat
                pools: {main: {workers: [{id: w1, url: "http://127.0.0.1:9/work"}]}}
                routes: [{class: chat, pool: main}]
                """);
        loadsOrExplains(file);
        Files.writeString(file, "pools: [");
        loadsOrExplains(file);
    }

    @FuzzTest(maxDuration = "10s")
    void anyFileIsAConfigOrProblemsNamingFileKeyAndReason(byte[] content) throws IOException {
        Path file = dir.resolve("switchboard.yaml");
        Files.write(file, content);
        assertTimeoutPreemptively(BOUND, () -> loadsOrExplains(file));
    }

    private static void loadsOrExplains(Path file) {
        try {
            SwitchboardConfig config = ConfigLoader.load(file, Optional.empty(), Map.of());
            assertThat(config.pools()).isNotEmpty();
            assertThat(Classifier.fromConfig(config).classNames()).contains(config.defaultClass());
        } catch (ConfigException e) {
            assertThat(e.problems()).isNotEmpty().allSatisfy(p -> {
                assertThat(p.file()).isEqualTo(file.toString());
                assertThat(p.keyPath()).isNotNull();
                assertThat(p.reason()).isNotBlank();
                assertThat(p.toString()).startsWith(file + ":");
            });
        }
    }
}
