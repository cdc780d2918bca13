package io.switchboard.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.time.Ticker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SimulatedWorkerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LatencyProfile FAST = LatencyProfile.ofMillis(5, 20);
    private static final String ENVELOPE = """
            {"content":"press the red button","metadata":{"user_id":"u-7"},"id":"m-1",
             "class":"tactical","priority":"NORMAL","attempt":1}""";

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private SimulatedWorker worker;

    @BeforeEach
    void startWorker() {
        worker = SimulatedWorker.start("sonnet-2", "sonnet", FAST, 0, new SplittableRandom(42), Ticker.system());
    }

    @AfterEach
    void stop() {
        worker.close();
        client.close();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.port() + path))
                .timeout(Duration.ofSeconds(20));
    }

    private HttpRequest work(String requestId, int attempt) {
        return request("/work")
                .header("Content-Type", "application/json")
                .header("X-Request-ID", requestId)
                .header("X-Switchboard-Attempt", Integer.toString(attempt))
                .POST(HttpRequest.BodyPublishers.ofString(ENVELOPE))
                .build();
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postFault(String json) throws Exception {
        return send(request("/fault").POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    @Test
    void bindsAnEphemeralPortAndExposesItsWorkUrl() {
        assertThat(worker.port()).isPositive();
        assertThat(worker.url()).hasToString("http://127.0.0.1:" + worker.port() + "/work");
        assertThat(worker.id()).isEqualTo("sonnet-2");
        assertThat(worker.model()).isEqualTo("sonnet");
    }

    @Test
    void answersWorkWithJsonEchoingRequestIdAndAttempt() throws Exception {
        HttpResponse<String> response = send(work("req-123", 2));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(response.headers().firstValue("X-Request-ID")).hasValue("req-123");
        JsonNode body = json(response);
        assertThat(body.get("worker").textValue()).isEqualTo("sonnet-2");
        assertThat(body.get("model").textValue()).isEqualTo("sonnet");
        assertThat(body.get("request_id").textValue()).isEqualTo("req-123");
        assertThat(body.get("attempt").intValue()).isEqualTo(2);
        assertThat(body.get("message_id").textValue()).isEqualTo("m-1");
        assertThat(body.get("output").textValue()).containsIgnoringCase("tactical").contains("press the red button");
        assertThat(body.get("latency_ms").longValue()).isNotNegative();
        assertThat(worker.stats().served()).isEqualTo(1);
    }

    @Test
    void errorRateOneAnswersEveryRequestWithTheConfiguredStatus() throws Exception {
        assertThat(postFault("{\"error_rate\":1.0,\"status\":502}").statusCode()).isEqualTo(200);

        for (int i = 0; i < 5; i++) {
            HttpResponse<String> response = send(work("req-" + i, 1));
            assertThat(response.statusCode()).isEqualTo(502);
            assertThat(json(response).get("error").textValue()).isEqualTo("injected failure");
            assertThat(json(response).get("request_id").textValue()).isEqualTo("req-" + i);
        }
        assertThat(worker.stats()).extracting(WorkerStats::failed, WorkerStats::served).containsExactly(5L, 0L);
    }

    @Test
    void addedLatencyShowsUpInTheReportedLatency() throws Exception {
        postFault("{\"added_latency_ms\":150}");

        HttpResponse<String> response = send(work("req-slow", 1));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("latency_ms").longValue()).isGreaterThanOrEqualTo(150);
    }

    @Test
    void hangHoldsRequestsUntilTheFaultsAreReset() throws Exception {
        postFault("{\"hang\":true}");

        CompletableFuture<HttpResponse<String>> held =
                client.sendAsync(work("req-held", 1), HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(10)).until(() -> worker.stats().hung() == 1);
        assertThat(held).isNotDone();
        assertThat(json(send(request("/stats").GET().build())).get("hung").intValue()).isEqualTo(1);

        assertThat(send(request("/fault").DELETE().build()).statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(10)).until(held::isDone);
        HttpResponse<String> response = held.join();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).get("request_id").textValue()).isEqualTo("req-held");
        assertThat(worker.stats().hung()).isZero();
    }

    @Test
    void closingTheWorkerReleasesHungRequests() throws Exception {
        worker.faults(Faults.NONE.withHang(true));
        CompletableFuture<HttpResponse<String>> held =
                client.sendAsync(work("req-held", 1), HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(10)).until(() -> worker.stats().hung() == 1);

        worker.close();

        await().atMost(Duration.ofSeconds(10)).until(held::isDone);
        // Released with a retryable 503, unless the stopping server cut the connection before it was written.
        assertThat(held.handle((response, failure) -> failure != null ? 503 : response.statusCode()).join())
                .isEqualTo(503);
        assertThat(worker.stats().inFlight()).isZero();
    }

    @Test
    void faultEndpointShowsMergesAndResetsTheKnobs() throws Exception {
        JsonNode initial = json(send(request("/fault").GET().build()));
        assertThat(initial.get("error_rate").doubleValue()).isZero();
        assertThat(initial.get("status").intValue()).isEqualTo(503);

        postFault("{\"error_rate\":0.3,\"added_latency_ms\":500}");
        JsonNode merged = json(postFault("{\"status\":429}"));

        assertThat(merged.get("error_rate").doubleValue()).isEqualTo(0.3);
        assertThat(merged.get("added_latency_ms").longValue()).isEqualTo(500);
        assertThat(merged.get("status").intValue()).isEqualTo(429);
        assertThat(worker.faults()).isEqualTo(new Faults(0.3, 500, false, 429));

        send(request("/fault").DELETE().build());
        assertThat(worker.faults()).isEqualTo(Faults.NONE);
    }

    @Test
    void invalidFaultChangesAreRefusedNamingTheKeyAndLeaveFaultsAlone() throws Exception {
        HttpResponse<String> unknown = postFault("{\"error_rte\":0.5}");
        HttpResponse<String> outOfRange = postFault("{\"error_rate\":1.5}");
        HttpResponse<String> wrongType = postFault("{\"hang\":\"yes\"}");

        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(json(unknown).get("error").textValue()).contains("error_rte").contains("error_rate");
        assertThat(outOfRange.statusCode()).isEqualTo(400);
        assertThat(json(outOfRange).get("error").textValue()).contains("error_rate");
        assertThat(wrongType.statusCode()).isEqualTo(400);
        assertThat(json(wrongType).get("error").textValue()).contains("hang");
        assertThat(worker.faults()).isEqualTo(Faults.NONE);
    }

    @Test
    void workThatIsNotAJsonObjectIsRejectedWith400AndNotCountedAsServed() throws Exception {
        HttpResponse<String> malformed = send(request("/work").POST(HttpRequest.BodyPublishers.ofString("{nope")).build());
        HttpResponse<String> array = send(request("/work").POST(HttpRequest.BodyPublishers.ofString("[1,2]")).build());

        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(json(malformed).get("error").textValue()).contains("not valid JSON");
        assertThat(array.statusCode()).isEqualTo(400);
        assertThat(worker.stats()).extracting(WorkerStats::rejected, WorkerStats::served, WorkerStats::received)
                .containsExactly(2L, 0L, 0L);
    }

    @Test
    void healthIsUpAndUnknownPathsAndMethodsGetJsonErrors() throws Exception {
        assertThat(send(request("/health").GET().build()).statusCode()).isEqualTo(200);

        HttpResponse<String> missing = send(request("/nope").GET().build());
        HttpResponse<String> wrongMethod = send(request("/work").GET().build());

        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json(missing).get("error").textValue()).contains("/work");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");
    }

    @Test
    void statsCountServedAndFailedRequests() throws Exception {
        send(work("a", 1));
        postFault("{\"error_rate\":1.0}");
        send(work("b", 1));
        send(work("c", 1));

        JsonNode stats = json(send(request("/stats").GET().build()));

        assertThat(stats.get("served").longValue()).isEqualTo(1);
        assertThat(stats.get("failed").longValue()).isEqualTo(2);
        assertThat(stats.get("received").longValue()).isEqualTo(3);
        assertThat(stats.get("in_flight").intValue()).isZero();
    }
}
