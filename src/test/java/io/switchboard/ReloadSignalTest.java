package io.switchboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.testing.EngineProcess;
import io.switchboard.testing.RedisServer;
import io.switchboard.testing.TestWorker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code switchboard serve} reloads its configuration file on SIGHUP, as on {@code POST /v1/admin/reload}. */
class ReloadSignalTest {

    static final String CONFIG = """
            server: {port: %d, drain_timeout_ms: 2000}
            classes: [{name: chat, patterns: ["hello"]}%s]
            default_class: chat
            pools: {main: {workers: [{id: w, url: "%s"}]}}
            routes: [{class: chat, pool: main}%s]
            store: {path: "%s"}
            auth: {mode: disabled}
            """;

    @TempDir
    Path dir;

    @Test
    void sighupReadsTheFileAgainAndAppliesIt() throws Exception {
        int port = RedisServer.freePort();
        Path config = dir.resolve("switchboard.yaml");
        try (TestWorker worker = TestWorker.start("w")) {
            Files.writeString(config, CONFIG.formatted(port, "", worker.url(), "", dir.resolve("store")));
            try (EngineProcess engine = EngineProcess.start(config, port, dir.resolve("engine.log"))) {
                Files.writeString(config, CONFIG.formatted(port, ", {name: billing, patterns: [\"invoice\"]}",
                        worker.url(), ", {class: billing, pool: main}", dir.resolve("store")));

                Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(engine.process().pid())).start();
                assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
                assertThat(kill.exitValue()).isZero();

                ObjectMapper json = new ObjectMapper();
                await("version 2 in force").atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(50))
                        .ignoreExceptions()
                        .until(() -> json.readTree(engine.get("/v1/admin/config").body()).path("version").asLong() == 2);
                assertThat(engine.process().isAlive()).as("SIGHUP must not stop the engine").isTrue();
                assertThat(Files.readString(engine.log())).contains("configuration reloaded: version 2");
            }
        }
    }
}
