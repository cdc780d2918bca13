package io.switchboard.cli;

import io.switchboard.testing.Http;
import io.switchboard.testing.TestWorker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The real process: {@code serve} starts, routes, and exits 0 on SIGTERM after draining. */
class ServeProcessTest {

    @TempDir
    Path dir;

    @Test
    void serveRoutesAndExitsZeroOnSigterm() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (TestWorker worker = TestWorker.start("w")) {
            Path config = dir.resolve("serve.yaml");
            Files.writeString(config, """
                    server: {port: %d, drain_timeout_ms: 5000}
                    classes: [{name: chat, patterns: ["hello"]}]
                    default_class: chat
                    pools: {main: {workers: [{id: w, url: "%s"}]}}
                    routes: [{class: chat, pool: main}]
                    store: {path: "%s"}
                    auth: {mode: disabled}
                    """.formatted(port, worker.url(), dir.resolve("data")));
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                    Main.class.getName(), "serve", "--config", config.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("serve.log").toFile())
                    .start();
            try {
                final int p = port;
                await().atMost(30, TimeUnit.SECONDS).ignoreExceptions().until(() -> Http.get(p, "/ready").status() == 200);
                assertThat(Http.postJson(port, "/v1/route", "{\"content\":\"hello\"}").status()).isEqualTo(200);

                process.destroy();

                assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
                assertThat(process.exitValue()).as(Files.readString(dir.resolve("serve.log"))).isZero();
                assertThat(Files.readString(dir.resolve("serve.log"))).contains("drain_started", "engine_stopped");
            } finally {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void serveRefusesToStartWithAnInvalidConfig() throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "server: {port: -1}\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "serve", "--config", config.toString()))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("bad.log").toFile())
                .start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(Files.readString(dir.resolve("bad.log"))).contains(config + ":server.port:");
    }
}
