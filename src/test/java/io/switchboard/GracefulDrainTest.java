package io.switchboard;

import io.switchboard.testing.Engines;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestWorker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Shutdown: readiness turns 503 at once, new requests are refused, in-flight ones finish, then it stops. */
class GracefulDrainTest {

    @TempDir
    Path dir;

    @Test
    void inFlightRequestsCompleteWhileNewOnesAreRefused() throws Exception {
        try (TestWorker worker = TestWorker.start("w").hold()) {
            Switchboard engine = Engines.start(dir, """
                    server: {port: 0, drain_timeout_ms: 20000}
                    classes: [{name: chat, patterns: ["hello"]}]
                    default_class: chat
                    pools: {main: {workers: [{id: w, url: "{{w}}"}]}}
                    routes: [{class: chat, pool: main}]
                    """, worker);
            int port = engine.port();
            List<CompletableFuture<Http.Answer>> inFlight = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                inFlight.add(CompletableFuture.supplyAsync(() -> Http.postJson(port, "/v1/route", "{\"content\":\"hello\"}")));
            }
            await().atMost(10, TimeUnit.SECONDS).until(() -> worker.inFlight() == 5);

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(engine::close);
            await().atMost(10, TimeUnit.SECONDS).until(() -> Http.get(port, "/ready").status() == 503);

            var refused = Http.postJson(port, "/v1/route", "{\"content\":\"hello\"}");
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.contentType()).isEqualTo("application/problem+json");
            assertThat(refused.json().path("type").asText()).isEqualTo("urn:switchboard:problem:draining");
            assertThat(Http.get(port, "/ready").json().path("status").asText()).isEqualTo("draining");
            assertThat(stopping).isNotDone();

            worker.open();
            for (var f : inFlight) {
                assertThat(f.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
            }
            stopping.get(20, TimeUnit.SECONDS);
            assertThat(worker.count()).isEqualTo(5);
        }
    }

    @Test
    void drainGivesUpAfterTheDrainTimeoutAndStillStops() throws Exception {
        try (TestWorker worker = TestWorker.start("w").hold()) {
            Switchboard engine = Engines.start(dir, """
                    server: {port: 0, drain_timeout_ms: 300}
                    classes: [{name: chat, patterns: ["hello"]}]
                    default_class: chat
                    pools: {main: {workers: [{id: w, url: "{{w}}"}]}}
                    routes: [{class: chat, pool: main}]
                    """, worker);
            int port = engine.port();
            var stuck = CompletableFuture.supplyAsync(() -> {
                try {
                    return Http.postJson(port, "/v1/route", "{\"content\":\"hello\"}").status();
                } catch (RuntimeException e) {
                    return -1;
                }
            });
            await().atMost(10, TimeUnit.SECONDS).until(() -> worker.inFlight() == 1);

            CompletableFuture.runAsync(engine::close).get(20, TimeUnit.SECONDS);

            assertThat(stuck.get(20, TimeUnit.SECONDS)).as("the held request is cut off, not left hanging").isNotEqualTo(200);
        }
    }
}
