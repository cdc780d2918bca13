package io.switchboard;

import io.switchboard.testing.Engines;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestWorker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class RouteApiTest {

    static final String CONFIG = """
            server: {port: 0}
            classes:
              - {name: strategic, priority: HIGH, patterns: ["(?i)\\\\b(strategy|plan|analy[sz]e)\\\\b"]}
              - {name: tactical, priority: NORMAL, patterns: ["(?i)\\\\b(press|move|next)\\\\b"]}
            default_class: tactical
            pools:
              strong: {strategy: least-loaded, workers: [{id: opus-1, url: "{{opus-1}}", max_concurrency: 4}]}
              fast:
                strategy: round-robin
                workers:
                  - {id: sonnet-1, url: "{{sonnet-1}}"}
                  - {id: sonnet-2, url: "{{sonnet-2}}"}
                  - {id: sonnet-3, url: "{{sonnet-3}}"}
                  - {id: sonnet-4, url: "{{sonnet-4}}"}
            routes:
              - {class: strategic, pool: strong, fallback: fast}
              - {class: tactical, pool: fast}
            """;

    @TempDir
    Path dir;
    TestWorker opus;
    TestWorker[] sonnets;
    Switchboard engine;

    @BeforeEach
    void start() {
        opus = TestWorker.start("opus-1");
        sonnets = new TestWorker[] {TestWorker.start("sonnet-1"), TestWorker.start("sonnet-2"),
                TestWorker.start("sonnet-3"), TestWorker.start("sonnet-4")};
        engine = Engines.start(dir, CONFIG, Stream.concat(Stream.of(opus), Stream.of(sonnets)).toArray(TestWorker[]::new));
    }

    @AfterEach
    void stop() {
        engine.close();
        opus.close();
        for (TestWorker s : sonnets) {
            s.close();
        }
    }

    @Test
    void strategicPromptReachesTheStrongWorkerAndReturnsItsAnswer() {
        var answer = Http.postJson(engine.port(), "/v1/route",
                "{\"content\":\"analyze the long-term strategy for the gym\"}");

        assertThat(answer.status()).isEqualTo(200);
        var body = answer.json();
        assertThat(body.path("class").asText()).isEqualTo("strategic");
        assertThat(body.path("priority").asText()).isEqualTo("HIGH");
        assertThat(body.path("pool").asText()).isEqualTo("strong");
        assertThat(body.path("worker").asText()).isEqualTo("opus-1");
        assertThat(body.path("attempts").asInt()).isEqualTo(1);
        assertThat(body.path("id").asText()).hasSize(36);
        assertThat(body.path("result").path("worker").asText()).isEqualTo("opus-1");
        assertThat(body.path("result").path("echo").asText()).isEqualTo("analyze the long-term strategy for the gym");
        assertThat(answer.header("X-Switchboard-Class")).isEqualTo("strategic");
        assertThat(answer.header("X-Switchboard-Pool")).isEqualTo("strong");
        assertThat(answer.header("X-Switchboard-Worker")).isEqualTo("opus-1");
        assertThat(answer.header("X-Request-ID")).isNotBlank();
    }

    @Test
    void tacticalMessagesSpreadOverAllFourFastWorkers() {
        Map<String, Integer> byWorker = new HashMap<>();
        for (int i = 0; i < 40; i++) {
            var answer = Http.postJson(engine.port(), "/v1/route", "{\"content\":\"press the button " + i + "\"}");
            assertThat(answer.status()).isEqualTo(200);
            byWorker.merge(answer.json().path("worker").asText(), 1, Integer::sum);
        }
        assertThat(byWorker).containsOnlyKeys("sonnet-1", "sonnet-2", "sonnet-3", "sonnet-4");
        assertThat(byWorker.values()).allSatisfy(n -> assertThat(n).isEqualTo(10));
        assertThat(opus.count()).isZero();
    }

    @Test
    void workerSeesTheEnvelopeWithIdClassPriorityAttemptAndTheRequestId() {
        var answer = Http.post(engine.port(), "/v1/route", "application/json",
                "{\"content\":\"move next\",\"metadata\":{\"user\":\"u-7\"},\"priority\":\"CRITICAL\",\"ttl_ms\":5000}"
                        .getBytes(StandardCharsets.UTF_8),
                Map.of("X-Request-ID", "req-abc-123"));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header("X-Request-ID")).isEqualTo("req-abc-123");
        TestWorker served = Stream.of(sonnets).filter(s -> s.count() == 1).findFirst().orElseThrow();
        var received = served.received().get(0);
        assertThat(received.header("X-Request-ID")).isEqualTo("req-abc-123");
        assertThat(received.header("X-Switchboard-Attempt")).isEqualTo("1");
        assertThat(received.body().path("id").asText()).isEqualTo(answer.json().path("id").asText());
        assertThat(received.body().path("class").asText()).isEqualTo("tactical");
        assertThat(received.body().path("priority").asText()).isEqualTo("CRITICAL");
        assertThat(received.body().path("attempt").asInt()).isEqualTo(1);
        assertThat(received.body().path("content").asText()).isEqualTo("move next");
        assertThat(received.body().path("metadata").path("user").asText()).isEqualTo("u-7");
        assertThat(received.body().path("ttl_ms").asLong()).isEqualTo(5000);
    }

    @Test
    void classifyIsADryRunThatExplainsTheDecision() {
        var answer = Http.postJson(engine.port(), "/v1/classify", "{\"content\":\"we need a plan\"}");

        assertThat(answer.status()).isEqualTo(200);
        var body = answer.json();
        assertThat(body.path("class").asText()).isEqualTo("strategic");
        assertThat(body.path("priority").asText()).isEqualTo("HIGH");
        assertThat(body.path("pool").asText()).isEqualTo("strong");
        assertThat(body.path("matched_rules").get(0).path("class").asText()).isEqualTo("strategic");
        assertThat(body.path("matched_rules").get(0).path("matched").asText()).isEqualToIgnoringCase("plan");
        assertThat(opus.count() + Stream.of(sonnets).mapToInt(TestWorker::count).sum()).isZero();
    }

    @Test
    void explicitClassInTheEnvelopeWinsOverTheRules() {
        var answer = Http.postJson(engine.port(), "/v1/route", "{\"content\":\"press the button\",\"class\":\"strategic\"}");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("worker").asText()).isEqualTo("opus-1");
    }

    @Test
    void cleartextHttp2IsServedOnTheSamePort() throws Exception {
        var client = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_2).build();
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + engine.port() + "/v1/route"))
                .header("Content-Type", "application/json")
                .timeout(java.time.Duration.ofSeconds(10))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"content\":\"press next\"}"));
        // A bodiless request upgrades the connection (Upgrade: h2c); the POST then rides on HTTP/2.
        var health = client.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + engine.port() + "/health")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(health.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_2);
        var response = client.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());

        assertThat(response.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_2);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Switchboard-Pool")).hasValue("fast");
    }

    @Test
    void healthAndReadinessAnswer() {
        assertThat(Http.get(engine.port(), "/health").status()).isEqualTo(200);
        var ready = Http.get(engine.port(), "/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().path("status").asText()).isEqualTo("ready");
    }
}
