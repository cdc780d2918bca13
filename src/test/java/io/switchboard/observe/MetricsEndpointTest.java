package io.switchboard.observe;

import io.switchboard.Switchboard;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestRig;
import io.switchboard.testing.TestWorker;
import io.switchboard.testing.TestWorker.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code GET /metrics} on a real engine routing to real HTTP workers: names, labels, values, and nothing unbounded. */
class MetricsEndpointTest {

    private static final String REQUEST_ID = "req-4f1c9b2e-metrics-probe";
    private static final String SECRET = "zanzibar-quokka-9137";

    @RegisterExtension
    final TestRig rig = new TestRig();

    private TestWorker worker(String id) {
        return rig.worker(id);
    }

    private Switchboard engine(String yaml, TestWorker... workers) {
        return rig.engine(yaml, workers);
    }

    /** Fails the first attempt of "flaky" messages with 503, refuses "refuse" messages with 400, answers the rest. */
    private static Reply scripted(TestWorker.Received r) {
        String content = r.body().path("content").asText();
        if (content.contains("flaky") && "1".equals(r.header("X-Switchboard-Attempt"))) {
            return Reply.status(503);
        }
        if (content.contains("refuse")) {
            return Reply.status(400);
        }
        return Reply.ok("{\"ok\":true}");
    }

    private static final String TWO_WORKERS = """
            server: {port: 0}
            classes: [{name: chat, patterns: ["hello"]}]
            default_class: chat
            pools: {main: {strategy: round-robin, workers: [{id: a, url: "{{a}}"}, {id: b, url: "{{b}}"}]}}
            routes: [{class: chat, pool: main}]
            delivery: {timeout_ms: 2000, max_attempts: 3, backoff: {initial_ms: 1, max_ms: 5}}
            """;

    static Exposition scrape(Switchboard engine) {
        var answer = Http.get(engine.port(), "/metrics");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        return Exposition.parse(answer.text());
    }

    @Test
    void countsOutcomesRetriesErrorsAndRejectionsWithBoundedLabels() {
        TestWorker a = worker("a").answer(MetricsEndpointTest::scripted);
        TestWorker b = worker("b").answer(MetricsEndpointTest::scripted);
        Switchboard engine = engine(TWO_WORKERS, a, b);
        int port = engine.port();

        var ok = Http.post(port, "/v1/route", "application/json",
                ("{\"content\":\"hello " + SECRET + "\"}").getBytes(StandardCharsets.UTF_8), Map.of("X-Request-ID", REQUEST_ID));
        var retried = Http.postJson(port, "/v1/route", "{\"content\":\"hello flaky\"}");
        var refused = Http.postJson(port, "/v1/route", "{\"content\":\"hello refuse\"}");
        var invalid = Http.postJson(port, "/v1/route", "{\"content\": nope");
        assertThat(List.of(ok.status(), retried.status(), refused.status(), invalid.status()))
                .containsExactly(200, 200, 502, 400);
        assertThat(retried.json().path("attempts").asInt()).isEqualTo(2);

        String text = Http.get(port, "/metrics").text();
        Exposition m = Exposition.parse(text);

        Map<String, String> chat = Map.of("class", "chat");
        Map<String, String> chatMain = Map.of("class", "chat", "pool", "main");
        assertThat(m.value("switchboard_messages_received_total", chat)).isEqualTo(3);
        assertThat(m.value("switchboard_messages_routed_total", chatMain)).isEqualTo(2);
        assertThat(m.value("switchboard_messages_failed_total", Map.of("class", "chat", "pool", "main",
                "category", "http_4xx"))).isEqualTo(1);
        assertThat(m.value("switchboard_retries_total", chatMain)).isEqualTo(1);
        assertThat(m.sum("switchboard_errors_total", Map.of("pool", "main", "category", "http_5xx"))).isEqualTo(1);
        assertThat(m.sum("switchboard_errors_total", Map.of("pool", "main", "category", "http_4xx"))).isEqualTo(1);
        assertThat(m.sum("switchboard_errors_total", Map.of("category", "timeout"))).isZero();
        assertThat(m.find("switchboard_errors_total", Map.of("worker", "a"))).extracting(s -> s.labels().get("category"))
                .containsExactlyInAnyOrder("timeout", "connect", "http_5xx", "http_4xx", "rate_limited", "circuit_open",
                        "invalid_response");
        assertThat(m.value("switchboard_rejections_total", Map.of("reason", "invalid"))).isEqualTo(1);
        for (String reason : List.of("overload", "expired", "no_worker", "shutdown", "store")) {
            assertThat(m.value("switchboard_rejections_total", Map.of("reason", reason))).as(reason).isZero();
        }

        // Histograms: per attempt by outcome, end to end by outcome, each with its buckets.
        assertThat(m.sum("switchboard_delivery_attempt_seconds_count", Map.of("outcome", "delivered"))).isEqualTo(2);
        assertThat(m.sum("switchboard_delivery_attempt_seconds_count", Map.of("outcome", "retryable"))).isEqualTo(1);
        assertThat(m.sum("switchboard_delivery_attempt_seconds_count", Map.of("outcome", "fatal"))).isEqualTo(1);
        assertThat(m.find("switchboard_delivery_attempt_seconds_bucket", Map.of("worker", ok.header("X-Switchboard-Worker"),
                "outcome", "delivered")))
                .extracting(s -> Double.parseDouble(s.labels().get("le").replace("+Inf", "Infinity")))
                .containsExactly(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
                        30.0, 60.0, Double.POSITIVE_INFINITY);
        assertThat(m.sum("switchboard_delivery_attempt_seconds_bucket", Map.of("outcome", "delivered", "le", "+Inf")))
                .isEqualTo(2);
        Map<String, String> delivered = Map.of("class", "chat", "pool", "main", "outcome", "delivered");
        assertThat(m.value("switchboard_end_to_end_seconds_count", delivered)).isEqualTo(2);
        assertThat(m.find("switchboard_end_to_end_seconds_bucket", delivered)).hasSize(Buckets.DELIVERY.length + 1);
        assertThat(m.value("switchboard_end_to_end_seconds_count", Map.of("outcome", "failed"))).isEqualTo(1);
        assertThat(m.value("switchboard_overhead_seconds_count", Map.of("pool", "main"))).isEqualTo(3);
        assertThat(m.value("switchboard_classification_seconds_count", chat)).isGreaterThanOrEqualTo(3);
        assertThat(m.sum("switchboard_queue_wait_seconds_count", Map.of("pool", "main", "priority", "normal")))
                .isEqualTo(4);
        assertThat(m.value("switchboard_selection_seconds_count", Map.of("pool", "main"))).isEqualTo(4);

        // Gauges at rest.
        assertThat(m.value("switchboard_queue_depth", Map.of("pool", "main", "priority", "normal"))).isZero();
        assertThat(m.find("switchboard_queue_depth", Map.of("pool", "main"))).hasSize(4);
        assertThat(m.value("switchboard_worker_in_flight", Map.of("worker", "a"))).isZero();
        assertThat(m.value("switchboard_worker_circuit_state", Map.of("worker", "b"))).isZero();
        assertThat(m.value("switchboard_worker_healthy", Map.of("worker", "b"))).isEqualTo(1);
        assertThat(m.value("switchboard_worker_concurrency_limit", Map.of("worker", "a")))
                .isEqualTo(m.value("switchboard_worker_max_concurrency", Map.of("worker", "a")));
        assertThat(m.value("switchboard_cluster_instances", Map.of())).isEqualTo(1);
        assertThat(m.value("switchboard_build_info", Map.of("version", "development"))).isEqualTo(1);
        assertThat(m.value("process_uptime_seconds", Map.of())).isPositive();
        assertThat(m.find("jvm_memory_used_bytes", Map.of())).isNotEmpty();

        // Nothing a request carries ever becomes a label.
        assertThat(text).doesNotContain(REQUEST_ID).doesNotContain(SECRET).doesNotContain("flaky");
        assertThat(ok.header("X-Request-ID")).isEqualTo(REQUEST_ID);
    }

    @Test
    void gaugesFollowRequestsInFlightAndWaiting() {
        TestWorker a = worker("a").hold();
        Switchboard engine = engine("""
                server: {port: 0}
                classes: [{name: chat, patterns: ["hello"]}]
                default_class: chat
                pools: {main: {workers: [{id: a, url: "{{a}}", max_concurrency: 1}]}}
                routes: [{class: chat, pool: main}]
                """, a);
        var first = CompletableFuture.supplyAsync(() -> Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}"));
        await().atMost(Duration.ofSeconds(10)).until(() -> a.inFlight() == 1);
        var second = CompletableFuture.supplyAsync(() ->
                Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\",\"priority\":\"HIGH\"}"));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Exposition m = scrape(engine);
            assertThat(m.value("switchboard_worker_in_flight", Map.of("worker", "a"))).isEqualTo(1);
            assertThat(m.value("switchboard_queue_depth", Map.of("pool", "main", "priority", "high"))).isEqualTo(1);
            assertThat(m.value("switchboard_queue_depth", Map.of("pool", "main", "priority", "normal"))).isZero();
        });
        a.open();
        assertThat(first.join().status()).isEqualTo(200);
        assertThat(second.join().status()).isEqualTo(200);

        Exposition after = scrape(engine);
        assertThat(after.value("switchboard_worker_in_flight", Map.of("worker", "a"))).isZero();
        assertThat(after.value("switchboard_queue_depth", Map.of("pool", "main", "priority", "high"))).isZero();
        assertThat(after.value("switchboard_worker_max_concurrency", Map.of("worker", "a"))).isEqualTo(1);
    }

    @Test
    void fullQueueAndPassedDeadlineAreCountedAsRejectionsAndFailedMessages() {
        TestWorker a = worker("a").hold();
        Switchboard engine = engine("""
                server: {port: 0}
                classes: [{name: chat, patterns: ["hello"]}]
                default_class: chat
                pools: {main: {workers: [{id: a, url: "{{a}}", max_concurrency: 1}]}}
                routes: [{class: chat, pool: main}]
                queue: {capacity: 1}
                """, a);
        int port = engine.port();
        var held = CompletableFuture.supplyAsync(() -> Http.postJson(port, "/v1/route", "{\"content\":\"hello\"}"));
        await().atMost(Duration.ofSeconds(10)).until(() -> a.inFlight() == 1);
        var waiting = CompletableFuture.supplyAsync(() ->
                Http.postJson(port, "/v1/route", "{\"content\":\"hello\",\"ttl_ms\":1000}"));
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.pools().get("main").waiting() == 1);

        var overflow = Http.postJson(port, "/v1/route", "{\"content\":\"hello\"}");
        var expired = waiting.join();
        a.open();
        assertThat(held.join().status()).isEqualTo(200);
        assertThat(overflow.status()).isEqualTo(429);
        assertThat(expired.status()).isEqualTo(504);

        Exposition m = scrape(engine);
        assertThat(m.value("switchboard_rejections_total", Map.of("reason", "overload"))).isEqualTo(1);
        assertThat(m.value("switchboard_rejections_total", Map.of("reason", "expired"))).isEqualTo(1);
        assertThat(m.value("switchboard_messages_failed_total", Map.of("category", "overload"))).isEqualTo(1);
        assertThat(m.value("switchboard_messages_failed_total", Map.of("category", "expired"))).isEqualTo(1);
        assertThat(m.value("switchboard_end_to_end_seconds_count", Map.of("outcome", "rejected"))).isEqualTo(2);
        assertThat(m.value("switchboard_end_to_end_seconds_count", Map.of("outcome", "delivered"))).isEqualTo(1);
        // The expired message waited about its whole second: its wait is in the queue-wait histogram, not overhead.
        assertThat(m.value("switchboard_queue_wait_seconds_bucket", Map.of("pool", "main", "priority", "normal",
                "le", "0.5"))).isLessThan(m.value("switchboard_queue_wait_seconds_count",
                Map.of("pool", "main", "priority", "normal")));
    }

    @Test
    void circuitStateAndHealthShowAnOpenCircuitAndFallbacksAreCounted() {
        TestWorker a = worker("a").answer(r -> Reply.status(503));
        TestWorker b = worker("b");
        Switchboard engine = engine("""
                server: {port: 0}
                classes: [{name: chat, patterns: ["hello"]}]
                default_class: chat
                pools:
                  primary: {workers: [{id: a, url: "{{a}}"}]}
                  spare: {workers: [{id: b, url: "{{b}}"}]}
                routes: [{class: chat, pool: primary, fallback: spare}]
                delivery: {timeout_ms: 2000, max_attempts: 3, backoff: {initial_ms: 1, max_ms: 5}}
                circuit_breaker: {failure_rate_threshold: 50, minimum_calls: 2, window_size: 2, open_ms: 600000}
                """, a, b);

        for (int i = 0; i < 2; i++) {
            assertThat(Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}").status()).isEqualTo(200);
        }
        Exposition m = scrape(engine);

        assertThat(m.value("switchboard_worker_circuit_state", Map.of("pool", "primary", "worker", "a"))).isEqualTo(1);
        assertThat(m.value("switchboard_worker_healthy", Map.of("worker", "a"))).isZero();
        assertThat(m.value("switchboard_worker_circuit_state", Map.of("pool", "spare", "worker", "b"))).isZero();
        assertThat(m.value("switchboard_fallbacks_total", Map.of("class", "chat", "pool", "primary", "fallback", "spare")))
                .isEqualTo(2);
        assertThat(m.value("switchboard_messages_routed_total", Map.of("class", "chat", "pool", "spare"))).isEqualTo(2);
        assertThat(m.value("switchboard_end_to_end_seconds_count", Map.of("pool", "spare", "outcome", "delivered")))
                .isEqualTo(2);
    }

    @Test
    void servesOpenMetricsWhenAskedAndAnswersHeadAndRefusesOtherMethods() throws Exception {
        Switchboard engine = engine(TWO_WORKERS, worker("a"), worker("b"));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI uri = URI.create("http://127.0.0.1:" + engine.port() + "/metrics");

        var open = client.send(HttpRequest.newBuilder(uri).header("Accept",
                "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5").timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        var head = client.send(HttpRequest.newBuilder(uri).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        var post = Http.postJson(engine.port(), "/metrics", "{}");

        assertThat(open.statusCode()).isEqualTo(200);
        assertThat(open.headers().firstValue("content-type")).hasValue(HttpMetrics.OPEN_METRICS);
        assertThat(open.body()).contains("switchboard_build_info").endsWith("# EOF\n");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(post.status()).isEqualTo(405);
    }
}
