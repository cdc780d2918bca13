package io.switchboard.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.time.Ticker;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class TrafficGeneratorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TrafficSettings FAST = new TrafficSettings(400, 16, Duration.ofSeconds(5));

    private Server stub;
    private TrafficGenerator generator;

    /** A stand-in engine that records what it receives and answers every request with {@code status}. */
    private record Received(String requestId, String contentType, String body) {
    }

    private final Queue<Received> received = new ConcurrentLinkedQueue<>();

    private URI startStub(int status) throws Exception {
        stub = new Server();
        ServerConnector connector = new ServerConnector(stub);
        connector.setHost("127.0.0.1");
        stub.addConnector(connector);
        stub.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws IOException {
                received.add(new Received(request.getHeaders().get("X-Request-ID"),
                        request.getHeaders().get(HttpHeader.CONTENT_TYPE), Content.Source.asString(request)));
                response.setStatus(status);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                Content.Sink.write(response, true, "{\"ok\":true}", callback);
                return true;
            }
        });
        stub.start();
        return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/v1/route");
    }

    @AfterEach
    void stopAll() throws Exception {
        if (generator != null) {
            generator.close();
        }
        if (stub != null) {
            stub.stop();
        }
    }

    @Test
    void sendsAMixOfStrategicAndTacticalPromptsEachWithItsOwnRequestId() throws Exception {
        generator = TrafficGenerator.create(startStub(200), FAST, new SplittableRandom(9), Ticker.system());

        generator.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> received.size() >= 60);
        generator.stop();

        List<Received> bodies = List.copyOf(received);
        List<String> contents = bodies.stream().map(r -> content(r.body())).toList();
        assertThat(contents).anyMatch(DemoPrompts.STRATEGIC::contains).anyMatch(DemoPrompts.TACTICAL::contains);
        assertThat(bodies).extracting(Received::contentType).containsOnly("application/json");
        assertThat(bodies).extracting(Received::requestId).doesNotContainNull().doesNotHaveDuplicates()
                .allMatch(id -> id.startsWith("demo-"));
        assertThat(generator.stats().ok()).isGreaterThanOrEqualTo(60);
    }

    @Test
    void stopsCleanlyWithNothingOutstandingAndSendsNoMore() throws Exception {
        generator = TrafficGenerator.create(startStub(200), FAST, new SplittableRandom(3), Ticker.system());
        generator.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> received.size() >= 20);

        generator.stop();

        assertThat(generator.isRunning()).isFalse();
        TrafficStats stats = generator.stats();
        assertThat(stats.outstanding()).isZero();
        assertThat(stats.sent()).isEqualTo(received.size());
        int afterStop = received.size();
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> received.size() == afterStop);
    }

    @Test
    void countsFailedAnswersByStatusAndKeepsSending() throws Exception {
        generator = TrafficGenerator.create(startStub(503), FAST, new SplittableRandom(5), Ticker.system());

        generator.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> generator.stats().failedByStatus().getOrDefault(503, 0L) >= 10);

        assertThat(generator.isRunning()).isTrue();
        assertThat(generator.stats().ok()).isZero();
    }

    @Test
    void anUnreachableEngineIsCountedAndBackedOffWithoutStoppingTheGenerator() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }
        generator = TrafficGenerator.create(URI.create("http://127.0.0.1:" + closedPort + "/v1/route"), FAST,
                new SplittableRandom(1), Ticker.system());

        generator.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> generator.stats().transportErrors() >= 2
                && generator.stats().skipped() >= 50);

        assertThat(generator.isRunning()).isTrue();
        // At 400 ticks a second, only backing off keeps the attempts well below the ticks.
        TrafficStats stats = generator.stats();
        assertThat(stats.sent()).isLessThan(stats.skipped());
        assertThat(stats.failedByStatus()).isEmpty();
        assertThat(stats.ok()).isZero();
    }

    @Test
    void backoffDoublesFromAQuarterSecondUpToFiveSeconds() {
        assertThat(HttpTrafficGenerator.backoffNanos(1)).isEqualTo(Duration.ofMillis(250).toNanos());
        assertThat(HttpTrafficGenerator.backoffNanos(2)).isEqualTo(Duration.ofMillis(500).toNanos());
        assertThat(HttpTrafficGenerator.backoffNanos(5)).isEqualTo(Duration.ofSeconds(4).toNanos());
        assertThat(HttpTrafficGenerator.backoffNanos(6)).isEqualTo(Duration.ofSeconds(5).toNanos());
        assertThat(HttpTrafficGenerator.backoffNanos(1_000)).isEqualTo(Duration.ofSeconds(5).toNanos());
    }

    private static String content(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node.get("content").textValue();
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }
}
