package io.switchboard.observe;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.Switchboard;
import io.switchboard.testing.FakeTicker;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestRig;
import io.switchboard.testing.TestWorker;
import io.switchboard.testing.TestWorker.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.switchboard.observe.HealthDetailsTest.fieldNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code GET /v1/stats}: what the dashboard reads, computed in the engine from real traffic. */
class StatsEndpointTest {

    private static final String CONFIG = """
            server: {port: 0}
            classes: [{name: chat, patterns: ["hello"]}, {name: plan, priority: HIGH, patterns: ["plan"]}]
            default_class: chat
            pools:
              main: {workers: [{id: a, url: "{{a}}"}]}
              deep: {workers: [{id: b, url: "{{b}}"}]}
            routes: [{class: chat, pool: main}, {class: plan, pool: deep}]
            delivery: {timeout_ms: 2000, max_attempts: 1}
            """;

    @RegisterExtension
    final TestRig rig = new TestRig();
    final FakeTicker ticker = FakeTicker.create();

    private TestWorker worker(String id) {
        return rig.worker(id);
    }

    private Switchboard engine(String yaml, TestWorker... workers) {
        return rig.engine(ticker, yaml, workers);
    }

    private static JsonNode stats(Switchboard engine) {
        var answer = Http.get(engine.port(), "/v1/stats");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.contentType()).startsWith("application/json");
        assertThat(answer.header("Cache-Control")).isEqualTo("no-cache");
        return answer.json();
    }

    private static int route(Switchboard engine, String content, String requestId) {
        return Http.post(engine.port(), "/v1/route", "application/json",
                ("{\"content\":\"" + content + "\"}").getBytes(StandardCharsets.UTF_8), Map.of("X-Request-ID", requestId))
                .status();
    }

    @Test
    void countsRatesRoutesWorkersAndFailuresMoveWithTraffic() {
        TestWorker a = worker("a").answer(r -> r.body().path("content").asText().contains("fail")
                ? Reply.status(500) : Reply.ok("{\"ok\":true}"));
        Switchboard engine = engine(CONFIG, a, worker("b"));

        JsonNode before = stats(engine);
        assertThat(fieldNames(before)).containsExactly("status", "ready", "reasons", "version", "uptime_seconds", "time",
                "totals", "recent", "since_start", "latency", "history", "routes", "workers", "queues",
                "store", "recent_failures");
        assertThat(before.path("store").path("healthy").asBoolean()).isTrue();
        assertThat(before.path("store").path("messages").path("dead_lettered").asLong()).isZero();
        assertThat(before.path("status").asText()).isEqualTo("ready");
        assertThat(before.path("version").asText()).isEqualTo("development");
        assertThat(before.path("totals").path("requests").asLong()).isZero();
        assertThat(before.path("recent").path("error_rate").isNull()).isTrue();
        assertThat(before.path("latency").path("p95_ms").isNull()).isTrue();
        assertThat(before.path("routes")).extracting(r -> r.path("class").asText() + "->" + r.path("pool").asText())
                .containsExactly("chat->main", "plan->deep");

        ticker.advance(Duration.ofMillis(500));
        assertThat(route(engine, "hello", "req-ok-1")).isEqualTo(200);
        assertThat(route(engine, "hello", "req-ok-2")).isEqualTo(200);
        assertThat(route(engine, "plan it", "req-ok-3")).isEqualTo(200);
        assertThat(route(engine, "hello fail", "req-failed-7")).isEqualTo(502);
        ticker.advance(Duration.ofMillis(500));

        JsonNode after = stats(engine);
        assertThat(after.path("totals").path("requests").asLong()).isEqualTo(4);
        assertThat(after.path("totals").path("delivered").asLong()).isEqualTo(3);
        assertThat(after.path("totals").path("failed").asLong()).isEqualTo(1);
        assertThat(after.path("recent").path("requests").asLong()).isEqualTo(4);
        assertThat(after.path("recent").path("window_seconds").asDouble()).isEqualTo(1.0);
        assertThat(after.path("recent").path("requests_per_second").asDouble()).isEqualTo(4.0);
        assertThat(after.path("recent").path("error_rate").asDouble()).isEqualTo(0.25);
        assertThat(after.path("since_start").path("error_rate").asDouble()).isEqualTo(0.25);
        assertThat(after.path("uptime_seconds").asDouble()).isEqualTo(1.0);
        assertThat(after.path("latency").path("p50_ms").isNumber()).isTrue();
        assertThat(after.path("latency").path("p99_ms").isNumber()).isTrue();

        JsonNode chat = after.path("routes").get(0);
        assertThat(chat.path("requests").asLong()).isEqualTo(3);
        assertThat(chat.path("failed").asLong()).isEqualTo(1);
        assertThat(chat.path("success_rate").asDouble()).isEqualTo(0.6667);
        assertThat(after.path("routes").get(1).path("requests").asLong()).isEqualTo(1);

        JsonNode workerA = after.path("workers").get(0);
        assertThat(workerA.path("id").asText()).isEqualTo("a");
        assertThat(workerA.path("pool").asText()).isEqualTo("main");
        assertThat(workerA.path("circuit").asText()).isEqualTo("closed");
        assertThat(workerA.path("attempts").asLong()).isEqualTo(3);
        assertThat(workerA.path("success_rate").asDouble()).isEqualTo(0.6667);
        assertThat(workerA.path("p95_ms").isNumber()).isTrue();
        assertThat(workerA.path("in_flight").asInt()).isZero();

        JsonNode failure = after.path("recent_failures").get(0);
        assertThat(after.path("recent_failures")).hasSize(1);
        assertThat(failure.path("request_id").asText()).isEqualTo("req-failed-7");
        assertThat(failure.path("class").asText()).isEqualTo("chat");
        assertThat(failure.path("pool").asText()).isEqualTo("main");
        assertThat(failure.path("worker").asText()).isEqualTo("a");
        assertThat(failure.path("category").asText()).isEqualTo("http_5xx");
        assertThat(failure.path("detail").asText()).isNotBlank();
        assertThat(failure.path("time").asText()).startsWith("2023-11-14T22:13:20");
    }

    @Test
    void historyKeepsOnePointPerTwoSecondsWithRatesAndPercentiles() {
        Switchboard engine = engine(CONFIG, worker("a"), worker("b"));
        for (int i = 0; i < 4; i++) {
            assertThat(route(engine, "hello", "req-" + i)).isEqualTo(200);
        }
        ticker.advance(Duration.ofSeconds(2));
        assertThat(route(engine, "hello", "req-late")).isEqualTo(200);
        ticker.advance(Duration.ofSeconds(4));

        JsonNode history = stats(engine).path("history");
        assertThat(history.path("resolution_seconds").asDouble()).isEqualTo(2.0);
        JsonNode points = history.path("points");
        assertThat(points).hasSize(3);
        assertThat(points).extracting(p -> p.path("requests_per_second").asDouble()).containsExactly(2.0, 0.5, 0.0);
        assertThat(points).extracting(p -> p.path("t").asLong()).containsExactly(
                FakeTicker.DEFAULT_EPOCH_MILLIS + 2_000, FakeTicker.DEFAULT_EPOCH_MILLIS + 4_000,
                FakeTicker.DEFAULT_EPOCH_MILLIS + 6_000);
        assertThat(points.get(0).path("error_rate").asDouble()).isZero();
        assertThat(points.get(0).path("p50_ms").isNumber()).isTrue();
        assertThat(points.get(2).path("p95_ms").isNull()).as("no traffic, no percentile").isTrue();
        assertThat(points.get(2).path("error_rate").isNull()).isTrue();
    }

    @Test
    void queueDepthByPriorityAndAnswersBeyondMaxInFlight() {
        TestWorker a = worker("a").hold();
        Switchboard engine = engine("""
                server: {port: 0, max_in_flight: 2}
                classes: [{name: chat, patterns: ["hello"]}]
                default_class: chat
                pools: {main: {workers: [{id: a, url: "{{a}}", max_concurrency: 1}]}}
                routes: [{class: chat, pool: main}]
                """, a);
        var first = CompletableFuture.supplyAsync(() -> Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}"));
        await().atMost(Duration.ofSeconds(10)).until(() -> a.inFlight() == 1);
        var second = CompletableFuture.supplyAsync(() ->
                Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\",\"priority\":\"HIGH\"}"));
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.pools().get("main").waiting() == 1);

        // Two requests are in flight, which is server.max_in_flight: the views still answer.
        assertThat(Http.postJson(engine.port(), "/v1/classify", "{\"content\":\"hello\"}").status()).isEqualTo(429);
        JsonNode stats = stats(engine);
        JsonNode queue = stats.path("queues").get(0);
        assertThat(queue.path("pool").asText()).isEqualTo("main");
        assertThat(queue.path("total").asInt()).isEqualTo(1);
        assertThat(queue.path("depth").path("high").asInt()).isEqualTo(1);
        assertThat(queue.path("depth").path("normal").asInt()).isZero();
        assertThat(stats.path("workers").get(0).path("in_flight").asInt()).isEqualTo(1);
        assertThat(Http.get(engine.port(), "/v1/health/details").json().path("pools").get(0).path("waiting").asInt())
                .isEqualTo(1);
        assertThat(Http.get(engine.port(), "/").status()).isEqualTo(200);

        a.open();
        assertThat(first.join().status()).isEqualTo(200);
        assertThat(second.join().status()).isEqualTo(200);
    }
}
