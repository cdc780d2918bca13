package io.switchboard;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import io.switchboard.observe.LogSetupAccess;
import io.switchboard.testing.Engines;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestWorker;
import io.switchboard.testing.TestWorker.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Requests carrying credentials in their headers and a secret in their content go through the engine, synchronous and
 * asynchronous, to a worker that answers and to one that fails echoing what it got: what the logs say, rendered as
 * JSON and as text, holds none of it unless {@code logging.include_content} lets the content in.
 */
class SecretHygieneTest {

    static final String AUTHORIZATION = "Bearer sk-auth-7f3a9c";
    static final String API_KEY = "key-4b8e2d";
    static final String COOKIE = "session=ck-91ad";
    static final String PROVIDER_KEY = "prov-5c7e";
    static final String CONTENT_SECRET = "content-secret-8d2f";
    static final String METADATA_SECRET = "meta-secret-3e1b";
    static final List<String> SECRETS = List.of("sk-auth-7f3a9c", API_KEY, "ck-91ad", PROVIDER_KEY, CONTENT_SECRET,
            METADATA_SECRET);

    static final String CONFIG = """
            server: {port: 0}
            classes:
              - {name: good, keywords: [good]}
              - {name: bad, keywords: [bad]}
            default_class: good
            pools:
              main: {workers: [{id: ok, url: "{{ok}}"}]}
              broken: {workers: [{id: failing, url: "{{failing}}"}]}
            routes: [{class: good, pool: main}, {class: bad, pool: broken}]
            delivery: {max_attempts: 2, backoff: {initial_ms: 0, max_ms: 0}}
            events: [{type: log}]
            logging: {slow_request_ms: 1, include_content: %s, redact_headers: [X-Provider-Key]}
            """;

    @TempDir
    Path dir;
    final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    final Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    final Map<String, Level> levels = new LinkedHashMap<>();
    final List<OutputStreamAppender<ILoggingEvent>> appenders = new ArrayList<>();
    final ByteArrayOutputStream json = new ByteArrayOutputStream();
    final ByteArrayOutputStream text = new ByteArrayOutputStream();
    TestWorker ok;
    TestWorker failing;

    @BeforeEach
    void capture() {
        // Everything the engine says, down to DEBUG, and the per-request lines the test configuration keeps quiet.
        for (String name : new String[] {"io.switchboard", "switchboard.requests", "switchboard.async",
                "switchboard.events"}) {
            levels.put(name, context.getLogger(name).getLevel());
            context.getLogger(name).setLevel(Level.DEBUG);
        }
        appenders.add(appender("json", json));
        appenders.add(appender("text", text));
        ok = TestWorker.start("ok");
        // A failing worker that echoes what it was sent, as error pages do.
        failing = TestWorker.start("failing").answer(r -> new Reply(500,
                "{\"error\":\"cannot\",\"request\":" + r.body() + ",\"headers\":\"" + r.headers().toString()
                        .replace("\"", "'") + "\"}", Map.of()));
    }

    private OutputStreamAppender<ILoggingEvent> appender(String format, ByteArrayOutputStream out) {
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setName("secret-hygiene-" + format);
        appender.setEncoder(LogSetupAccess.encoder(context, format, List.of("X-Provider-Key")));
        appender.setOutputStream(out);
        appender.start();
        root.addAppender(appender);
        return appender;
    }

    @AfterEach
    void release() {
        for (var appender : appenders) {
            root.detachAppender(appender);
            appender.stop();
        }
        levels.forEach((name, level) -> context.getLogger(name).setLevel(level));
        ok.close();
        failing.close();
    }

    private void driveEverything(boolean includeContent) {
        try (Switchboard engine = Engines.start(dir, CONFIG.formatted(includeContent), ok, failing)) {
            assertThat(send(engine, "/v1/route", "good").status()).isEqualTo(200);
            assertThat(send(engine, "/v1/route", "bad").status()).isEqualTo(502);
            assertThat(send(engine, "/v1/classify", "good").status()).isEqualTo(200);
            String delivered = send(engine, "/v1/messages", "good").json().path("id").asText();
            String dead = send(engine, "/v1/messages", "bad").json().path("id").asText();
            await().atMost(20, TimeUnit.SECONDS).until(() -> status(engine, delivered).equals("delivered")
                    && status(engine, dead).equals("dead_lettered"));
            await().atMost(20, TimeUnit.SECONDS).until(() -> count(json, "completion_event") == 2);
            // What a careless log statement, or a library's debug output, would print about a request.
            LoggerFactory.getLogger("io.switchboard.ingress").atDebug().addKeyValue("x-api-key", API_KEY)
                    .log("request headers {}", Map.of("Authorization", AUTHORIZATION, "X-Provider-Key", PROVIDER_KEY,
                            "Cookie", COOKIE));
        }
        for (String event : new String[] {"\"message\":\"routed\"", "slow_request", "\"event\":\"attempt\"",
                "message_settled", "completion_event", "request headers"}) {
            assertThat(count(json, event)).as(event + " was logged").isPositive();
        }
    }

    private static Http.Answer send(Switchboard engine, String path, String kind) {
        String body = "{\"content\":\"a " + kind + " one, my password is " + CONTENT_SECRET + "\","
                + "\"metadata\":{\"token\":\"" + METADATA_SECRET + "\"}}";
        return Http.post(engine.port(), path, "application/json", body.getBytes(StandardCharsets.UTF_8), Map.of(
                "Authorization", AUTHORIZATION, "X-API-Key", API_KEY, "Cookie", COOKIE, "X-Provider-Key", PROVIDER_KEY));
    }

    private static String status(Switchboard engine, String id) {
        return Http.get(engine.port(), "/v1/messages/" + id).json().path("status").asText();
    }

    private static int count(ByteArrayOutputStream out, String needle) {
        String all = out.toString(StandardCharsets.UTF_8);
        int n = 0;
        for (int at = all.indexOf(needle); at >= 0; at = all.indexOf(needle, at + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void logsHoldNoCredentialAndNoContentByDefault() {
        driveEverything(false);

        for (ByteArrayOutputStream out : List.of(json, text)) {
            String logs = out.toString(StandardCharsets.UTF_8);
            for (String secret : SECRETS) {
                assertThat(logs).as("the logs mention " + secret).doesNotContain(secret);
            }
        }
        assertThat(json.toString(StandardCharsets.UTF_8)).contains("\"x-api-key\":\"***\"")
                .contains("Authorization=***").contains("X-Provider-Key=***");
    }

    @Test
    void includeContentShowsTheContentButStillNoCredential() {
        driveEverything(true);

        String logs = json.toString(StandardCharsets.UTF_8);
        assertThat(logs.lines().filter(l -> l.contains("\"message\":\"routed\"")))
                .allSatisfy(l -> assertThat(l).contains(CONTENT_SECRET).contains(METADATA_SECRET));
        assertThat(logs.lines().filter(l -> l.contains("message_settled") && !l.contains("\"outcome\":\"retry\"")))
                .hasSize(2).allSatisfy(l -> assertThat(l).contains(CONTENT_SECRET));
        for (ByteArrayOutputStream out : List.of(json, text)) {
            for (String secret : List.of("sk-auth-7f3a9c", API_KEY, "ck-91ad", PROVIDER_KEY)) {
                assertThat(out.toString(StandardCharsets.UTF_8)).as("the logs mention " + secret).doesNotContain(secret);
            }
        }
    }
}
