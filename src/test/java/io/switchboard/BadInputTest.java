package io.switchboard;

import io.switchboard.testing.Engines;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestWorker;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every kind of bad input gets a precise 4xx problem+json and never reaches a worker. */
class BadInputTest {

    @TempDir
    static Path dir;
    static TestWorker worker;
    static Switchboard engine;

    @BeforeAll
    static void start() {
        worker = TestWorker.start("w1");
        engine = Engines.start(dir, """
                server: {port: 0, max_body_bytes: 65536}
                classes: [{name: chat, patterns: ["hello"]}]
                default_class: chat
                pools: {main: {workers: [{id: w1, url: "{{w1}}"}]}}
                routes: [{class: chat, pool: main}]
                """, worker);
    }

    @AfterAll
    static void stop() {
        engine.close();
        worker.close();
        ROOT.detachAppender(ERRORS);
        assertThat(ERRORS.list).as("bad input is the caller's problem, never logged at ERROR").isEmpty();
    }

    static final Logger ROOT = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    static final ListAppender<ILoggingEvent> ERRORS = new ListAppender<>() {
        @Override
        protected void append(ILoggingEvent event) {
            if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
                super.append(event);
            }
        }
    };

    static {
        ERRORS.start();
        ROOT.addAppender(ERRORS);
    }

    @Test
    void malformedHttpIsAProblemJsonToo() throws Exception {
        try (var socket = new java.net.Socket("127.0.0.1", engine.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /v1/route HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n"
                    + "Content-Length: 2\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 400");
            assertThat(response).containsIgnoringCase("Content-Type: application/problem+json");
            assertThat(response).contains("\"status\":400");
        }
    }

    static Stream<Arguments> badBodies() {
        byte[] invalidUtf8 = {'{', '"', 'c', 'o', 'n', 't', 'e', 'n', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        return Stream.of(
                Arguments.of("malformed JSON", "{\"content\": \"hi\"".getBytes(StandardCharsets.UTF_8), 400, "malformed-body", null),
                Arguments.of("not JSON at all", "hello".getBytes(StandardCharsets.UTF_8), 400, "malformed-body", null),
                Arguments.of("empty body", new byte[0], 400, "malformed-body", null),
                Arguments.of("invalid UTF-8", invalidUtf8, 400, "malformed-body", null),
                Arguments.of("trailing garbage", "{\"content\":\"hi\"} x".getBytes(StandardCharsets.UTF_8), 400, "malformed-body", null),
                Arguments.of("duplicate key", "{\"content\":\"a\",\"content\":\"b\"}".getBytes(StandardCharsets.UTF_8), 400, "malformed-body", null),
                Arguments.of("deep nesting", ("{\"content\":" + "[".repeat(5000) + "]".repeat(5000) + "}").getBytes(StandardCharsets.UTF_8), 400, "malformed-body", null),
                Arguments.of("array body", "[1,2]".getBytes(StandardCharsets.UTF_8), 422, "invalid-envelope", null),
                Arguments.of("missing content", "{}".getBytes(StandardCharsets.UTF_8), 422, "invalid-envelope", "content"),
                Arguments.of("content is a number", "{\"content\":42}".getBytes(StandardCharsets.UTF_8), 422, "invalid-envelope", "content"),
                Arguments.of("number beyond a double", "{\"content\":{\"a\":[1,{\"n\":-1e400}]}}".getBytes(StandardCharsets.UTF_8), 422, "invalid-envelope", "content.a[1].n"),
                Arguments.of("unknown priority", "{\"content\":\"hi\",\"priority\":\"URGENT\"}".getBytes(StandardCharsets.UTF_8), 422, "invalid-envelope", "priority"),
                Arguments.of("priority wrong type", "{\"content\":\"hi\",\"priority\":1}".getBytes(StandardCharsets.UTF_8), 422, "invalid-envelope", "priority"),
                Arguments.of("ttl is a string", "{\"content\":\"hi\",\"ttl_ms\":\"soon\"}".getBytes(StandardCharsets.UTF_8), 422, "invalid-envelope", "ttl_ms"),
                Arguments.of("negative ttl", "{\"content\":\"hi\",\"ttl_ms\":-5}".getBytes(StandardCharsets.UTF_8), 422, "invalid-envelope", "ttl_ms"),
                Arguments.of("metadata value not a string", "{\"content\":\"hi\",\"metadata\":{\"n\":1}}".getBytes(StandardCharsets.UTF_8), 422, "invalid-envelope", "metadata.n"),
                Arguments.of("unknown class", "{\"content\":\"hi\",\"class\":\"nope\"}".getBytes(StandardCharsets.UTF_8), 422, "invalid-envelope", "class"),
                Arguments.of("unknown field", "{\"content\":\"hi\",\"priorty\":\"HIGH\"}".getBytes(StandardCharsets.UTF_8), 422, "invalid-envelope", "priorty"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBodies")
    void badBodyGetsAPreciseProblem(String name, byte[] body, int status, String slug, String field) {
        for (String path : new String[] {"/v1/route", "/v1/classify", "/v1/messages"}) {
            var answer = Http.post(engine.port(), path, "application/json", body, Map.of());

            assertThat(answer.status()).as(path).isEqualTo(status);
            assertThat(answer.contentType()).isEqualTo("application/problem+json");
            var problem = answer.json();
            assertThat(problem.path("type").asText()).isEqualTo("urn:switchboard:problem:" + slug);
            assertThat(problem.path("status").asInt()).isEqualTo(status);
            assertThat(problem.path("detail").asText()).isNotBlank().doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(problem.path("request_id").asText()).isEqualTo(answer.header("X-Request-ID"));
            if (field != null) {
                assertThat(problem.path("errors").findValuesAsText("field")).contains(field);
            }
        }
        assertThat(worker.count()).isZero();
        assertThat(engine.async().store().counts().values()).as("nothing was stored").allMatch(n -> n == 0);
    }

    @Test
    void unknownFieldProblemSuggestsTheIntendedField() {
        var answer = Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hi\",\"priorty\":\"HIGH\"}");
        assertThat(answer.json().path("errors").get(0).path("reason").asText()).contains("did you mean 'priority'");
    }

    @Test
    void oversizedBodyIs413() {
        byte[] big = new byte[2 * 1024 * 1024];
        Arrays.fill(big, (byte) 'a');
        for (String path : new String[] {"/v1/route", "/v1/messages"}) {
            var answer = Http.post(engine.port(), path, "application/json", big, Map.of());

            assertThat(answer.status()).as(path).isEqualTo(413);
            assertThat(answer.contentType()).isEqualTo("application/problem+json");
            assertThat(answer.json().path("type").asText()).isEqualTo("urn:switchboard:problem:body-too-large");
        }
    }

    @Test
    void wrongOrMissingContentTypeIs415() {
        byte[] body = "{\"content\":\"hi\"}".getBytes(StandardCharsets.UTF_8);
        for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1"}) {
            for (String path : new String[] {"/v1/route", "/v1/messages"}) {
                var answer = Http.post(engine.port(), path, type, body, Map.of());
                assertThat(answer.status()).as(type).isEqualTo(415);
                assertThat(answer.contentType()).isEqualTo("application/problem+json");
            }
        }
        assertThat(Http.post(engine.port(), "/v1/route", null, body, Map.of()).status()).isEqualTo(415);
        assertThat(Http.post(engine.port(), "/v1/messages", null, body, Map.of()).status()).isEqualTo(415);
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405WithAllow() {
        var missing = Http.get(engine.port(), "/v1/nope");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.contentType()).isEqualTo("application/problem+json");

        var wrongMethod = Http.get(engine.port(), "/v1/route");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.header("Allow")).isEqualTo("POST");
        assertThat(wrongMethod.contentType()).isEqualTo("application/problem+json");
    }

    @Test
    void unsafeRequestIdIsReplacedNotEchoed() {
        var answer = Http.post(engine.port(), "/v1/classify", "application/json",
                "{\"content\":\"hi\"}".getBytes(StandardCharsets.UTF_8), Map.of("X-Request-ID", "bad id with spaces"));
        assertThat(answer.header("X-Request-ID")).isNotEqualTo("bad id with spaces").matches("[0-9a-f]{32}");
    }
}
