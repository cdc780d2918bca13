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

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /v1/health/details} on a real engine: the shape a monitor script parses, and the values behind it. */
class HealthDetailsTest {

    @RegisterExtension
    final TestRig rig = new TestRig();
    final FakeTicker ticker = FakeTicker.create();

    private TestWorker worker(String id) {
        return rig.worker(id);
    }

    private Switchboard engine(String yaml, TestWorker... workers) {
        return rig.engine(ticker, yaml, workers);
    }

    private static String config(String circuitBreaker) {
        return """
                server: {port: 0}
                classes: [{name: chat, patterns: ["hello"]}]
                default_class: chat
                pools:
                  main: {workers: [{id: a, url: "{{a}}", max_concurrency: 16}]}
                  spare: {required: false, workers: [{id: s, url: "{{s}}"}]}
                routes: [{class: chat, pool: main}]
                delivery: {timeout_ms: 2000, max_attempts: 1}
                circuit_breaker: %s
                """.formatted(circuitBreaker);
    }

    private static Reply failOnRequest(TestWorker.Received r) {
        return r.body().path("content").asText().contains("fail") ? Reply.status(500) : Reply.ok("{\"ok\":true}");
    }

    @Test
    void freshEngineIsReadyWithEveryWorkerClosedAndNothingMeasuredYet() {
        Switchboard engine = engine(config("{minimum_calls: 2}"), worker("a"), worker("s"));

        var answer = Http.get(engine.port(), "/v1/health/details");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.contentType()).startsWith("application/json");
        JsonNode body = answer.json();
        assertThat(fieldNames(body)).containsExactly("status", "ready", "pools", "store");
        assertThat(body.path("status").asText()).isEqualTo("ready");
        assertThat(body.path("ready").asBoolean()).isTrue();
        assertThat(body.path("store").path("type").asText()).isEqualTo("embedded");
        assertThat(body.path("store").path("healthy").asBoolean()).isTrue();
        assertThat(body.path("store").path("messages").path("queued").asLong()).isZero();
        assertThat(body.path("store").path("pending_events").isObject()).isTrue();

        JsonNode main = body.path("pools").get(0);
        assertThat(fieldNames(main)).containsExactly("name", "required", "usable", "paused", "waiting", "workers");
        assertThat(main.path("name").asText()).isEqualTo("main");
        assertThat(main.path("required").asBoolean()).isTrue();
        assertThat(main.path("usable").asBoolean()).isTrue();
        assertThat(main.path("waiting").asInt()).isZero();
        assertThat(body.path("pools").get(1).path("required").asBoolean()).isFalse();

        JsonNode a = main.path("workers").get(0);
        assertThat(fieldNames(a)).containsExactly("id", "circuit", "in_flight", "max_concurrency", "concurrency_limit",
                "rate_limit", "error_rate", "p95_ms", "last_success", "healthy", "draining");
        assertThat(a.path("id").asText()).isEqualTo("a");
        assertThat(a.path("circuit").asText()).isEqualTo("closed");
        assertThat(a.path("in_flight").asInt()).isZero();
        assertThat(a.path("max_concurrency").asInt()).isEqualTo(16);
        assertThat(a.path("concurrency_limit").asInt()).as("a single instance has it all").isEqualTo(16);
        assertThat(a.path("rate_limit").isNull()).as("no max_requests_per_second").isTrue();
        assertThat(a.path("error_rate").isNull()).as("fewer calls than the breaker's minimum").isTrue();
        assertThat(a.path("p95_ms").isNull()).isTrue();
        assertThat(a.path("last_success").isNull()).isTrue();
        assertThat(a.path("healthy").asBoolean()).isTrue();
    }

    @Test
    void successAndFailureSetErrorRateLatencyAndLastSuccess() {
        TestWorker a = worker("a").answer(HealthDetailsTest::failOnRequest);
        Switchboard engine = engine(config("{minimum_calls: 2, failure_rate_threshold: 90}"), a, worker("s"));

        assertThat(Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}").status()).isEqualTo(200);
        assertThat(Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello fail\"}").status()).isEqualTo(502);

        JsonNode worker = Http.get(engine.port(), "/v1/health/details").json().path("pools").get(0).path("workers").get(0);
        assertThat(worker.path("error_rate").asDouble()).isEqualTo(0.5);
        assertThat(worker.path("circuit").asText()).isEqualTo("closed");
        assertThat(worker.path("p95_ms").isNumber()).isTrue();
        assertThat(worker.path("p95_ms").asDouble()).isGreaterThanOrEqualTo(0.0);
        assertThat(Instant.parse(worker.path("last_success").asText()))
                .isEqualTo(Instant.ofEpochMilli(FakeTicker.DEFAULT_EPOCH_MILLIS));
        assertThat(worker.path("healthy").asBoolean()).isTrue();
    }

    @Test
    void openCircuitOnTheOnlyRequiredPoolShowsOpenUnhealthyAndAnswers503() {
        TestWorker a = worker("a").answer(r -> Reply.status(500));
        Switchboard engine = engine(config("{minimum_calls: 2, failure_rate_threshold: 50, open_ms: 60000}"), a,
                worker("s"));

        for (int i = 0; i < 2; i++) {
            assertThat(Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}").status()).isEqualTo(502);
        }

        var answer = Http.get(engine.port(), "/v1/health/details");
        assertThat(answer.status()).isEqualTo(503);
        JsonNode body = answer.json();
        assertThat(body.path("status").asText()).isEqualTo("degraded");
        assertThat(body.path("ready").asBoolean()).isFalse();
        JsonNode main = body.path("pools").get(0);
        assertThat(main.path("usable").asBoolean()).isFalse();
        JsonNode worker = main.path("workers").get(0);
        assertThat(worker.path("circuit").asText()).isEqualTo("open");
        assertThat(worker.path("healthy").asBoolean()).isFalse();
        assertThat(worker.path("error_rate").asDouble()).isEqualTo(1.0);
        assertThat(worker.path("last_success").isNull()).isTrue();
        assertThat(body.path("pools").get(1).path("usable").asBoolean()).as("the spare pool is untouched").isTrue();
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
