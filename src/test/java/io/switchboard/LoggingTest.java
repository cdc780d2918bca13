package io.switchboard;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.switchboard.observe.LogSetup;
import io.switchboard.testing.Engines;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestWorker;
import io.switchboard.testing.TestWorker.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** One request id on every log line about a message, the fields of the request line, JSON encoding, slow requests. */
class LoggingTest {

    static final String CONFIG = """
            server: {port: 0}
            classes: [{name: chat, patterns: ["hello"]}]
            default_class: chat
            pools: {main: {strategy: round-robin, workers: [{id: a, url: "{{a}}"}, {id: b, url: "{{b}}"}]}}
            routes: [{class: chat, pool: main}]
            delivery: {backoff: {initial_ms: 0, max_ms: 0}}
            logging: {slow_request_ms: %d}
            """;

    @TempDir
    Path dir;
    final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    final ListAppender<ILoggingEvent> events = new ListAppender<>();
    final Logger requests = context.getLogger("switchboard.requests");
    final Logger chain = context.getLogger("io.switchboard.deliver.DeliveryChain");
    Level requestsLevel;
    TestWorker a;
    TestWorker b;

    @BeforeEach
    void capture() {
        events.setContext(context);
        events.start();
        requestsLevel = requests.getLevel();
        requests.setLevel(Level.INFO);
        requests.addAppender(events);
        chain.addAppender(events);
        a = TestWorker.start("a").answer(r -> Reply.status(503));
        b = TestWorker.start("b");
    }

    @AfterEach
    void release() {
        requests.detachAppender(events);
        chain.detachAppender(events);
        requests.setLevel(requestsLevel);
        a.close();
        b.close();
    }

    private static Optional<Object> kv(ILoggingEvent e, String key) {
        List<KeyValuePair> pairs = e.getKeyValuePairs() == null ? List.of() : e.getKeyValuePairs();
        return pairs.stream().filter(p -> p.key.equals(key)).map(p -> p.value).findFirst();
    }

    private ILoggingEvent only(String event) {
        return events.list.stream().filter(e -> kv(e, "event").map(event::equals).orElse(false)
                || event.equals(e.getMessage())).findFirst().orElseThrow(() -> new AssertionError("no " + event + " in " + events.list));
    }

    @Test
    void everyLineAboutAMessageCarriesItsRequestIdAndTheRequestLineHasItsFields() {
        try (Switchboard engine = Engines.start(dir, CONFIG.formatted(60_000), a, b)) {
            var answer = Http.post(engine.port(), "/v1/route", "application/json",
                    "{\"content\":\"hello\"}".getBytes(StandardCharsets.UTF_8), Map.of("X-Request-ID", "req-log-1"));
            assertThat(answer.status()).isEqualTo(200);
        }
        ILoggingEvent attempt = only("attempt");
        assertThat(attempt.getMDCPropertyMap()).containsEntry("request_id", "req-log-1").containsKey("message_id");
        assertThat(kv(attempt, "worker")).contains("a");
        assertThat(kv(attempt, "error_category")).contains("http_5xx");
        assertThat(kv(attempt, "attempt")).contains(1);

        ILoggingEvent routed = only("routed");
        assertThat(routed.getLevel()).isEqualTo(Level.INFO);
        assertThat(routed.getMDCPropertyMap()).containsEntry("request_id", "req-log-1")
                .containsEntry("message_id", attempt.getMDCPropertyMap().get("message_id"));
        assertThat(kv(routed, "class")).contains("chat");
        assertThat(kv(routed, "pool")).contains("main");
        assertThat(kv(routed, "worker")).contains("b");
        assertThat(kv(routed, "attempts")).contains(2);
        assertThat(kv(routed, "outcome")).contains("delivered");
        assertThat(kv(routed, "duration_ms")).isPresent();

        JsonNode json = encodeStrictly(routed);
        assertThat(json.path("request_id").asText()).isEqualTo("req-log-1");
        assertThat(json.path("worker").asText()).isEqualTo("b");
        assertThat(json.path("level").asText()).isEqualTo("INFO");
        assertThat(json.path("ts").asText()).isNotBlank();
        assertThat(json.toString()).doesNotContain("\"hello\"");
    }

    @Test
    void slowRequestIsLoggedAtWarnWithItsStageTimings() {
        b.answer(r -> Reply.ok("{}"));
        try (Switchboard engine = Engines.start(dir, CONFIG.formatted(1), a, b)) {
            assertThat(Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}").status()).isEqualTo(200);
        }
        ILoggingEvent slow = only("slow_request");
        assertThat(slow.getLevel()).isEqualTo(Level.WARN);
        for (String key : new String[] {"duration_ms", "classify_ms", "queue_wait_ms", "worker_ms", "backoff_ms", "engine_ms"}) {
            assertThat(kv(slow, key)).as(key).isPresent();
        }
        assertThat(slow.getMDCPropertyMap()).containsKey("request_id");
    }

    @Test
    void traceparentBecomesTheRequestIdAndReachesTheWorkerWithTheSameTrace() {
        a.answer(r -> Reply.ok("{}"));
        String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        try (Switchboard engine = Engines.start(dir, CONFIG.formatted(60_000), a, b)) {
            var traced = Http.post(engine.port(), "/v1/route", "application/json",
                    "{\"content\":\"hello\"}".getBytes(StandardCharsets.UTF_8),
                    Map.of("traceparent", "00-" + trace + "-00f067aa0ba902b7-01"));
            assertThat(traced.header("X-Request-ID")).isEqualTo(trace);
            var plain = Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}");
            assertThat(plain.header("X-Request-ID")).matches("[0-9a-f]{32}");

            var seen = new java.util.ArrayList<TestWorker.Received>();
            seen.addAll(a.received());
            seen.addAll(b.received());
            assertThat(seen).extracting(r -> r.header("traceparent"))
                    .anySatisfy(h -> assertThat(h).matches("00-" + trace + "-[0-9a-f]{16}-01").doesNotContain("00f067aa0ba902b7"))
                    .anySatisfy(h -> assertThat(h).startsWith("00-" + plain.header("X-Request-ID") + "-"));
        }
    }

    @Test
    void rotatingFileReceivesTheSameJsonLines() throws Exception {
        Path file = dir.resolve("logs/switchboard.log");
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level rootLevel = root.getLevel();
        try {
            LogSetup.apply(new io.switchboard.config.LoggingConfig("json", "INFO", Map.of("io.switchboard.deliver", "DEBUG"),
                    null, new io.switchboard.config.LogFileConfig(file.toString(), 1, 1, 2), null, null), "json", Map.of());
            assertThat(context.getLogger("io.switchboard.deliver").getLevel()).isEqualTo(Level.DEBUG);
            LoggerFactory.getLogger("file-test").atInfo().addKeyValue("event", "file_check").log("to the file");
            String text = java.nio.file.Files.readString(file);
            JsonNode line = JsonMapper.builder().build().readTree(text.lines().filter(l -> l.contains("file_check")).findFirst().orElseThrow());
            assertThat(line.path("message").asText()).isEqualTo("to the file");
        } finally {
            var appender = root.getAppender("FILE");
            root.detachAppender("FILE");
            if (appender != null) {
                appender.stop();
            }
            root.setLevel(rootLevel);
            context.getLogger("io.switchboard.deliver").setLevel(null);
        }
    }

    private JsonNode encodeStrictly(ILoggingEvent event) {
        var encoder = io.switchboard.observe.LogSetupAccess.json(context);
        try {
            return JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build()
                    .readTree(new String(encoder.encode(event), StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new AssertionError("log line is not valid JSON without duplicate keys", e);
        }
    }
}
