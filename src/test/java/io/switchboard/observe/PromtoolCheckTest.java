package io.switchboard.observe;

import io.switchboard.Switchboard;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestRig;
import io.switchboard.testing.TestWorker;
import io.switchboard.testing.TestWorker.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The page {@code GET /metrics} serves passes {@code promtool check metrics} with no lint finding at all. Runs only
 * where promtool is installed (Debian package {@code prometheus}; {@code .ci/run} installs it).
 */
class PromtoolCheckTest {

    @RegisterExtension
    final TestRig rig = new TestRig();

    static Path promtool() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String d : path.split(File.pathSeparator)) {
            Path p = Path.of(d, "promtool");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    @Test
    void metricsPagePassesPromtoolWithoutLintFindings() throws Exception {
        Path promtool = promtool();
        assumeTrue(promtool != null, "promtool is not on PATH; install the Debian package 'prometheus'");
        TestWorker a = rig.worker("a").answer(r -> r.body().path("content").asText().contains("refuse")
                ? Reply.status(400) : Reply.ok("{\"ok\":true}"));
        TestWorker b = rig.worker("b").answer(r -> Reply.status(503));
        Switchboard engine = rig.engine("""
                server: {port: 0}
                classes: [{name: chat, patterns: ["hello"]}]
                default_class: chat
                pools:
                  main: {workers: [{id: b, url: "{{b}}"}]}
                  spare: {workers: [{id: a, url: "{{a}}"}]}
                routes: [{class: chat, pool: main, fallback: spare}]
                delivery: {timeout_ms: 2000, max_attempts: 3, backoff: {initial_ms: 1, max_ms: 5}}
                """, a, b);
        // Every kind of meter with samples: retries, a fallback, a failure, a rejection.
        assertThat(Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}").status()).isEqualTo(200);
        assertThat(Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello refuse\"}").status()).isEqualTo(502);
        assertThat(Http.postJson(engine.port(), "/v1/route", "[]").status()).isEqualTo(422);
        String page = Http.get(engine.port(), "/metrics").text();

        Path file = Files.createTempFile("metrics-", ".txt");
        file.toFile().deleteOnExit();
        Files.writeString(file, page);
        Process p = new ProcessBuilder(promtool.toString(), "check", "metrics")
                .redirectInput(file.toFile())
                .redirectErrorStream(true)
                .start();
        String output;
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
            output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | InterruptedException e) {
            p.destroyForcibly();
            throw e;
        }
        assertThat(output).as("promtool's findings").isEmpty();
        assertThat(p.exitValue()).isZero();
    }
}
