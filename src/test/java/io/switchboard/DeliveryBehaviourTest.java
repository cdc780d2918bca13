package io.switchboard;

import io.switchboard.testing.Http;
import io.switchboard.testing.TestRig;
import io.switchboard.testing.TestWorker;
import io.switchboard.testing.TestWorker.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Retries, fallbacks and the answers for every way a delivery can end, against real HTTP workers. */
class DeliveryBehaviourTest {

    @RegisterExtension
    final TestRig rig = new TestRig();

    private TestWorker worker(String id) {
        return rig.worker(id);
    }

    private Switchboard engine(String yaml, TestWorker... workers) {
        return rig.engine(yaml, workers);
    }

    private static String twoWorkerPool(String extra) {
        return """
                server: {port: 0}
                classes: [{name: chat, patterns: ["hello"]}]
                default_class: chat
                pools: {main: {strategy: round-robin, workers: [{id: a, url: "{{a}}"}, {id: b, url: "{{b}}"}]}}
                routes: [{class: chat, pool: main}]
                delivery: {timeout_ms: 2000, max_attempts: 3, backoff: {initial_ms: 1, max_ms: 5}}
                """ + extra;
    }

    /** One pool with one worker "a"; the arguments add to the server map, the worker map and the top level. */
    private static String oneWorker(String server, String worker, String extra) {
        return """
                server: {port: 0%s}
                classes: [{name: chat, patterns: ["hello"]}]
                default_class: chat
                pools: {main: {workers: [{id: a, url: "{{a}}"%s}]}}
                routes: [{class: chat, pool: main}]
                %s
                """.formatted(server.isEmpty() ? "" : ", " + server, worker.isEmpty() ? "" : ", " + worker, extra);
    }

    @Test
    void retryableFailureIsRetriedOnTheOtherWorker() {
        TestWorker a = worker("a").answer(r -> Reply.status(503));
        TestWorker b = worker("b");
        Switchboard engine = engine(twoWorkerPool(""), a, b);

        var answer = Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("attempts").asInt()).isEqualTo(2);
        assertThat(answer.json().path("worker").asText()).isEqualTo("b");
        assertThat(a.count()).isEqualTo(1);
        assertThat(b.received().get(0).header("X-Switchboard-Attempt")).isEqualTo("2");
        assertThat(b.received().get(0).body().path("attempt").asInt()).isEqualTo(2);
    }

    @Test
    void clientErrorFromAWorkerIsNotRetried() {
        TestWorker a = worker("a").answer(r -> Reply.status(400));
        TestWorker b = worker("b").answer(r -> Reply.status(400));
        Switchboard engine = engine(twoWorkerPool(""), a, b);

        var answer = Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}");

        assertThat(answer.status()).isEqualTo(502);
        assertThat(answer.contentType()).isEqualTo("application/problem+json");
        assertThat(answer.json().path("attempts").asInt()).isEqualTo(1);
        assertThat(answer.json().path("error_category").asText()).isEqualTo("http_4xx");
        assertThat(a.count() + b.count()).isEqualTo(1);
    }

    @Test
    void workerThatKeepsFailingGives502AfterMaxAttempts() {
        TestWorker a = worker("a").answer(r -> Reply.status(500));
        TestWorker b = worker("b").answer(r -> Reply.status(502));
        Switchboard engine = engine(twoWorkerPool(""), a, b);

        var answer = Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}");

        assertThat(answer.status()).isEqualTo(502);
        assertThat(answer.json().path("type").asText()).isEqualTo("urn:switchboard:problem:worker-failed");
        assertThat(answer.json().path("attempts").asInt()).isEqualTo(3);
        assertThat(answer.json().path("failures")).hasSize(3);
        assertThat(a.count() + b.count()).isEqualTo(3);
    }

    @Test
    void nonJsonAnswerIsAFatalInvalidResponse() {
        TestWorker a = worker("a").answer(r -> new Reply(200, "<html>oops</html>", Map.of()));
        TestWorker b = worker("b").answer(r -> new Reply(200, "<html>oops</html>", Map.of()));
        Switchboard engine = engine(twoWorkerPool(""), a, b);

        var answer = Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}");

        assertThat(answer.status()).isEqualTo(502);
        assertThat(answer.json().path("error_category").asText()).isEqualTo("invalid_response");
    }

    @Test
    void fallbackPoolIsUsedWhenThePrimaryIsExhausted() {
        TestWorker p = worker("p").answer(r -> Reply.status(503));
        TestWorker f = worker("f");
        Switchboard engine = engine("""
                server: {port: 0}
                classes: [{name: chat, patterns: ["hello"]}]
                default_class: chat
                pools:
                  primary: {workers: [{id: p, url: "{{p}}"}]}
                  spare: {workers: [{id: f, url: "{{f}}"}]}
                routes: [{class: chat, pool: primary, fallback: spare}]
                delivery: {max_attempts: 3, backoff: {initial_ms: 1, max_ms: 5}}
                """, p, f);

        var answer = Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("pool").asText()).isEqualTo("spare");
        assertThat(answer.json().path("worker").asText()).isEqualTo("f");
        assertThat(answer.header("X-Switchboard-Pool")).isEqualTo("spare");
        assertThat(p.count()).isEqualTo(1);
    }

    @Test
    void deadlinePassingWhileTheWorkerIsSlowGives504() {
        TestWorker a = worker("a").hold();
        Switchboard engine = engine(oneWorker("", "", ""), a);

        var answer = Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\",\"ttl_ms\":200}");

        assertThat(answer.status()).isEqualTo(504);
        assertThat(answer.json().path("type").asText()).isEqualTo("urn:switchboard:problem:deadline-exceeded");
    }

    @Test
    void fullQueueAnswers429WithRetryAfter() throws Exception {
        TestWorker a = worker("a").hold();
        Switchboard engine = engine(oneWorker("", "max_concurrency: 1", "queue: {capacity: 2}"), a);
        List<CompletableFuture<Http.Answer>> first = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            first.add(CompletableFuture.supplyAsync(() -> Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}")));
        }
        // One in flight at the worker, two waiting in the queue: the pool is full.
        await().atMost(10, TimeUnit.SECONDS).until(() -> a.inFlight() == 1 && engine.pools().get("main").waiting() == 2);

        var rejected = Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}");

        assertThat(rejected.status()).isEqualTo(429);
        assertThat(rejected.header("Retry-After")).isNotBlank();
        assertThat(rejected.json().path("type").asText()).isEqualTo("urn:switchboard:problem:overloaded");
        a.open();
        for (var f : first) {
            assertThat(f.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
        assertThat(a.maxInFlight()).isEqualTo(1);
    }

    @Test
    void requestsBeyondMaxInFlightGet429WhileProbesStillAnswer() throws Exception {
        TestWorker a = worker("a").hold();
        Switchboard engine = engine(oneWorker("max_in_flight: 2", "", ""), a);
        List<CompletableFuture<Http.Answer>> held = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            held.add(CompletableFuture.supplyAsync(() -> Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}")));
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> a.inFlight() == 2);

        var rejected = Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}");

        assertThat(rejected.status()).isEqualTo(429);
        assertThat(rejected.header("Retry-After")).isEqualTo("1");
        assertThat(rejected.json().path("detail").asText()).contains("max_in_flight");
        assertThat(Http.get(engine.port(), "/health").status()).isEqualTo(200);
        a.open();
        for (var f : held) {
            assertThat(f.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
    }

    @Test
    void lowPriorityIsShedFirstWhenTheQueueIsFull() throws Exception {
        TestWorker a = worker("a").hold();
        Switchboard engine = engine(oneWorker("", "max_concurrency: 1", "queue: {capacity: 1}"), a);
        var inFlight = CompletableFuture.supplyAsync(() -> Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> a.inFlight() == 1);
        var low = CompletableFuture.supplyAsync(() -> Http.postJson(engine.port(), "/v1/route",
                "{\"content\":\"hello\",\"priority\":\"LOW\"}"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> engine.pools().get("main").waiting() == 1);

        var high = CompletableFuture.supplyAsync(() -> Http.postJson(engine.port(), "/v1/route",
                "{\"content\":\"hello\",\"priority\":\"HIGH\"}"));

        assertThat(low.get(10, TimeUnit.SECONDS).status()).isEqualTo(429);
        a.open();
        assertThat(high.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(inFlight.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
    }

    @Test
    void workerRetryAfterIsHonouredBeforeTheNextAttempt() {
        TestWorker a = worker("a").answer(r -> new Reply(429, "{}", Map.of("Retry-After", "1")));
        Switchboard engine = engine(oneWorker("", "", "delivery: {max_attempts: 2, backoff: {initial_ms: 1, max_ms: 2}}"), a);

        var answer = Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\",\"ttl_ms\":500}");

        // The worker asked for 1 s but only 500 ms were left: no second attempt is made.
        assertThat(answer.status()).isEqualTo(502);
        assertThat(answer.json().path("attempts").asInt()).isEqualTo(1);
        assertThat(answer.json().path("detail").asText()).contains("no time left");
        assertThat(a.count()).isEqualTo(1);
    }
}
