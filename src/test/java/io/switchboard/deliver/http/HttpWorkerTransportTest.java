package io.switchboard.deliver.http;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.switchboard.classify.Classification;
import io.switchboard.deliver.AttemptRequest;
import io.switchboard.deliver.ErrorCategory;
import io.switchboard.deliver.Outcome;
import io.switchboard.dispatch.Worker;
import io.switchboard.message.Envelope;
import io.switchboard.message.Message;
import io.switchboard.message.Priority;
import io.switchboard.testing.TestWorker;
import io.switchboard.testing.TestWorker.Reply;
import io.switchboard.time.Ticker;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HttpWorkerTransportTest {

    private static Worker worker(URI url) {
        return new Worker("w", "p", url, 1, 4, CircuitBreaker.ofDefaults("w"), Ticker.system(), 1);
    }

    private static AttemptRequest attempt(int n) {
        Message m = new Message("msg-1", "req-1", Envelope.ofText("hello"),
                new Classification("chat", Priority.HIGH, Classification.Source.RULE, List.of()), 0, Long.MAX_VALUE);
        return new AttemptRequest(m, n);
    }

    private static Outcome sendOnce(TestWorker tw, Duration timeout) {
        Worker w = worker(tw.url());
        try (var transport = HttpWorkerTransport.start(List.of(w), Duration.ofSeconds(2))) {
            return transport.send(w, attempt(2), timeout);
        }
    }

    @Test
    void jsonAnswerIsDeliveredByteForByte() {
        String body = "{\"answer\": 42, \"nested\": {\"x\": [1, 2]}}";
        try (TestWorker tw = TestWorker.start("w").answer(r -> Reply.ok(body))) {
            Outcome o = sendOnce(tw, Duration.ofSeconds(5));

            assertThat(o).isInstanceOfSatisfying(Outcome.Delivered.class,
                    d -> assertThat(new String(d.body(), StandardCharsets.UTF_8)).isEqualTo(body));
            var received = tw.received().get(0);
            assertThat(received.header("X-Request-ID")).isEqualTo("req-1");
            assertThat(received.header("X-Switchboard-Attempt")).isEqualTo("2");
            assertThat(received.body().path("id").asText()).isEqualTo("msg-1");
            assertThat(received.body().path("class").asText()).isEqualTo("chat");
            assertThat(received.body().path("priority").asText()).isEqualTo("HIGH");
            assertThat(received.body().path("attempt").asInt()).isEqualTo(2);
            assertThat(received.body().path("content").asText()).isEqualTo("hello");
        }
    }

    @Test
    void statusesMapToOutcomes() {
        try (TestWorker tw = TestWorker.start("w")) {
            tw.answer(r -> Reply.status(503));
            assertThat(sendOnce(tw, Duration.ofSeconds(5))).isInstanceOfSatisfying(Outcome.Retryable.class,
                    r -> assertThat(r.category()).isEqualTo(ErrorCategory.HTTP_5XX));
            tw.answer(r -> new Reply(429, "{}", Map.of("Retry-After", "3")));
            assertThat(sendOnce(tw, Duration.ofSeconds(5))).isInstanceOfSatisfying(Outcome.Retryable.class, r -> {
                assertThat(r.category()).isEqualTo(ErrorCategory.RATE_LIMITED);
                assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(3));
            });
            tw.answer(r -> Reply.status(404));
            assertThat(sendOnce(tw, Duration.ofSeconds(5))).isInstanceOfSatisfying(Outcome.Fatal.class,
                    f -> assertThat(f.category()).isEqualTo(ErrorCategory.HTTP_4XX));
            tw.answer(r -> new Reply(302, "{}", Map.of("Location", "http://elsewhere/")));
            assertThat(sendOnce(tw, Duration.ofSeconds(5))).isInstanceOfSatisfying(Outcome.Fatal.class,
                    f -> assertThat(f.category()).isEqualTo(ErrorCategory.INVALID_RESPONSE));
            tw.answer(r -> new Reply(200, "not json", Map.of()));
            assertThat(sendOnce(tw, Duration.ofSeconds(5))).isInstanceOfSatisfying(Outcome.Fatal.class,
                    f -> assertThat(f.category()).isEqualTo(ErrorCategory.INVALID_RESPONSE));
        }
    }

    @Test
    void slowWorkerTimesOutAsRetryable() {
        try (TestWorker tw = TestWorker.start("w").hold()) {
            Outcome o = sendOnce(tw, Duration.ofMillis(200));

            assertThat(o).isInstanceOfSatisfying(Outcome.Retryable.class,
                    r -> assertThat(r.category()).isEqualTo(ErrorCategory.TIMEOUT));
        }
    }

    @Test
    void refusedConnectionIsRetryable() throws Exception {
        int freePort;
        try (ServerSocket s = new ServerSocket(0)) {
            freePort = s.getLocalPort();
        }
        Worker w = worker(URI.create("http://127.0.0.1:" + freePort + "/work"));
        try (var transport = HttpWorkerTransport.start(List.of(w), Duration.ofSeconds(2))) {
            Outcome o = transport.send(w, attempt(1), Duration.ofSeconds(2));

            assertThat(o).isInstanceOfSatisfying(Outcome.Retryable.class,
                    r -> assertThat(r.category()).isEqualTo(ErrorCategory.CONNECT));
        }
    }

    @Test
    void retryAfterAcceptsSecondsAndHttpDates() {
        assertThat(HttpWorkerTransport.retryAfter("7")).isEqualTo(Duration.ofSeconds(7));
        assertThat(HttpWorkerTransport.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(Duration.ZERO);
        assertThat(HttpWorkerTransport.retryAfter("soon")).isNull();
        assertThat(HttpWorkerTransport.retryAfter(null)).isNull();
    }

    @Test
    void onlyExactlyOneJsonValueCountsAsJson() {
        assertThat(HttpWorkerTransport.isJson("{\"a\":1}".getBytes())).isTrue();
        assertThat(HttpWorkerTransport.isJson("[1,2]".getBytes())).isTrue();
        assertThat(HttpWorkerTransport.isJson("{\"a\":1} {}".getBytes())).isFalse();
        assertThat(HttpWorkerTransport.isJson("{\"a\":".getBytes())).isFalse();
        assertThat(HttpWorkerTransport.isJson(new byte[0])).isFalse();
    }
}
