package io.switchboard;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.switchboard.admission.ApiKeys;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestRig;
import io.switchboard.testing.TestWorker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** API keys over real HTTP: both ways to send one, 401 and 403, what stays open, and who a request was. */
class AuthenticationTest {

    static final String PRODUCER = "producer-key-0123456789abcdef";
    static final String OPS = "ops-key-0123456789abcdef";
    static final String READER = "reader-key-0123456789abcdef";
    static final String ENVELOPE = "{\"content\":\"hello\"}";

    /** Two classes, one pool; keys {@code producer} (route, submit), {@code ops} (read, admin), {@code reader} (read). */
    static String config(String authExtra) {
        return """
                server: {port: 0}
                classes: [{name: chat, patterns: ["hello"]}]
                default_class: chat
                pools: {main: {workers: [{id: w, url: "{{w}}"}]}}
                routes: [{class: chat, pool: main}]
                auth:
                  keys:
                    - {name: producer, sha256: %s, scopes: [route, submit]}
                    - {name: ops, sha256: %s, scopes: [read, admin]}
                    - {name: reader, sha256: %s, scopes: [read]}
                %s""".formatted(ApiKeys.sha256Hex(PRODUCER), ApiKeys.sha256Hex(OPS), ApiKeys.sha256Hex(READER),
                authExtra.isEmpty() ? "" : "  " + authExtra + "\n");
    }

    static Map<String, String> bearer(String key) {
        return Map.of("Authorization", "Bearer " + key);
    }

    @RegisterExtension
    final TestRig rig = new TestRig();

    @Test
    void aKeyIsAcceptedAsABearerTokenAndAsXApiKey() {
        TestWorker w = rig.worker("w");
        Switchboard engine = rig.engine(config(""), w);

        var viaBearer = Http.request(engine.port(), "POST", "/v1/route", bearer(PRODUCER), ENVELOPE);
        var viaHeader = Http.request(engine.port(), "POST", "/v1/route", Map.of("X-API-Key", PRODUCER), ENVELOPE);
        var lowerCaseScheme = Http.request(engine.port(), "POST", "/v1/classify",
                Map.of("Authorization", "bearer " + PRODUCER), ENVELOPE);

        assertThat(viaBearer.status()).as(viaBearer.text()).isEqualTo(200);
        assertThat(viaHeader.status()).as(viaHeader.text()).isEqualTo(200);
        assertThat(lowerCaseScheme.status()).isEqualTo(200);
        assertThat(w.count()).isEqualTo(2);
        assertThat(engine.metrics().scrape())
                .contains("switchboard_auth_total{key=\"producer\",outcome=\"accepted\"} 3.0")
                .contains("switchboard_auth_total{key=\"ops\",outcome=\"forbidden\"} 0.0");
    }

    @Test
    void noKeyOrAnUnknownOneIs401WithABearerChallengeAndReachesNoWorker() {
        TestWorker w = rig.worker("w");
        Switchboard engine = rig.engine(config(""), w);

        var none = Http.postJson(engine.port(), "/v1/route", ENVELOPE);
        var unknown = Http.request(engine.port(), "POST", "/v1/route", bearer("not-a-configured-key"), ENVELOPE);
        var otherScheme = Http.request(engine.port(), "POST", "/v1/messages",
                Map.of("Authorization", "Basic " + PRODUCER), ENVELOPE);

        for (var answer : new Http.Answer[] {none, unknown, otherScheme}) {
            assertThat(answer.status()).isEqualTo(401);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.json().get("type").asText()).isEqualTo("urn:switchboard:problem:unauthorized");
            assertThat(answer.header("WWW-Authenticate")).startsWith("Bearer");
            assertThat(answer.header("X-Request-ID")).isNotBlank();
        }
        assertThat(unknown.header("WWW-Authenticate")).contains("error=\"invalid_token\"");
        assertThat(none.json().get("detail").asText()).contains("Authorization: Bearer", "X-API-Key");
        assertThat(w.count()).isZero();
        assertThat(engine.metrics().scrape())
                .contains("switchboard_auth_total{key=\"none\",outcome=\"unauthorized\"} 2.0")
                .contains("switchboard_auth_total{key=\"unknown\",outcome=\"unauthorized\"} 1.0")
                .doesNotContain("not-a-configured-key");
    }

    @Test
    void aKeyWithoutTheScopeIs403NamingTheScope() {
        TestWorker w = rig.worker("w");
        Switchboard engine = rig.engine(config(""), w);

        var route = Http.request(engine.port(), "POST", "/v1/route", bearer(OPS), ENVELOPE);
        var submit = Http.request(engine.port(), "POST", "/v1/messages", bearer(READER), ENVELOPE);
        var status = Http.get(engine.port(), "/v1/messages/nope", bearer(PRODUCER));
        var replay = Http.request(engine.port(), "POST", "/v1/dead-letters/nope/replay", bearer(READER), null);
        var purge = Http.request(engine.port(), "DELETE", "/v1/dead-letters?all=true", bearer(PRODUCER), null);

        assertThat(route.status()).isEqualTo(403);
        assertThat(route.json().get("type").asText()).isEqualTo("urn:switchboard:problem:forbidden");
        assertThat(route.json().get("required_scope").asText()).isEqualTo("route");
        assertThat(route.json().get("detail").asText()).contains("'ops'", "'route'", "POST /v1/route");
        assertThat(submit.json().get("required_scope").asText()).isEqualTo("submit");
        assertThat(status.json().get("required_scope").asText()).isEqualTo("read");
        assertThat(replay.json().get("required_scope").asText()).isEqualTo("admin");
        assertThat(purge.json().get("required_scope").asText()).isEqualTo("admin");
        for (var answer : new Http.Answer[] {route, submit, status, replay, purge}) {
            assertThat(answer.status()).isEqualTo(403);
            assertThat(answer.header("WWW-Authenticate")).isNull();
        }
        assertThat(w.count()).isZero();
        assertThat(engine.metrics().scrape()).contains("switchboard_auth_total{key=\"reader\",outcome=\"forbidden\"} 2.0");
    }

    @Test
    void eachScopeOpensItsEndpoints() {
        TestWorker w = rig.worker("w");
        Switchboard engine = rig.engine(config(""), w);

        var submitted = Http.request(engine.port(), "POST", "/v1/messages", bearer(PRODUCER), ENVELOPE);
        assertThat(submitted.status()).as(submitted.text()).isEqualTo(202);
        String id = submitted.json().get("id").asText();

        assertThat(Http.get(engine.port(), "/v1/messages/" + id, bearer(READER)).status()).isEqualTo(200);
        assertThat(Http.get(engine.port(), "/v1/dead-letters", bearer(READER)).status()).isEqualTo(200);
        assertThat(Http.get(engine.port(), "/v1/health/details", bearer(READER)).status()).isEqualTo(200);
        assertThat(Http.request(engine.port(), "POST", "/v1/dead-letters/" + id + "/replay", bearer(OPS), null)
                .status()).as("known key, right scope: the endpoint itself answers").isIn(404, 409);
        assertThat(Http.request(engine.port(), "DELETE", "/v1/dead-letters?all=true", bearer(OPS), null).status())
                .isEqualTo(200);
    }

    @Test
    void healthAndReadinessAreAlwaysOpenAndUnknownPathsAre404() {
        Switchboard engine = rig.engine(config("open_metrics: never"), rig.worker("w"));

        assertThat(Http.get(engine.port(), "/health").status()).isEqualTo(200);
        assertThat(Http.get(engine.port(), "/ready").status()).isEqualTo(200);
        assertThat(Http.get(engine.port(), "/nowhere").status()).isEqualTo(404);
        assertThat(Http.get(engine.port(), "/v1/health/details").status()).as("the details need read").isEqualTo(401);
    }

    @Test
    void metricsAndDashboardAreOpenFromThisMachineByDefault() {
        Switchboard engine = rig.engine(config(""), rig.worker("w"));

        // Tests connect from 127.0.0.1.
        assertThat(Http.get(engine.port(), "/metrics").status()).isEqualTo(200);
        assertThat(Http.get(engine.port(), "/").status()).isEqualTo(200);
        assertThat(Http.get(engine.port(), "/dashboard/app.js").status()).isEqualTo(200);
        assertThat(Http.get(engine.port(), "/v1/stats").status()).isEqualTo(200);
    }

    @Test
    void neverAsksEveryoneForAReadKey() {
        Switchboard engine = rig.engine(config("open_metrics: never\n  open_dashboard: never"), rig.worker("w"));

        for (String path : new String[] {"/metrics", "/", "/dashboard/style.css", "/v1/stats"}) {
            assertThat(Http.get(engine.port(), path).status()).as(path).isEqualTo(401);
            assertThat(Http.get(engine.port(), path, bearer(PRODUCER)).status()).as(path).isEqualTo(403);
            assertThat(Http.get(engine.port(), path, bearer(READER)).status()).as(path).isEqualTo(200);
        }
    }

    @Test
    void alwaysOpensMetricsAndTheDashboardWithoutAKey() {
        Switchboard engine = rig.engine(config("open_metrics: always\n  open_dashboard: always"), rig.worker("w"));

        assertThat(Http.get(engine.port(), "/metrics").status()).isEqualTo(200);
        assertThat(Http.get(engine.port(), "/v1/stats").status()).isEqualTo(200);
        assertThat(Http.get(engine.port(), "/v1/health/details").status()).as("not part of the dashboard")
                .isEqualTo(401);
    }

    @Test
    void anEngineWithAuthenticationOffSaysSoAtStart() {
        Logger engineLog = (Logger) LoggerFactory.getLogger(Switchboard.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        engineLog.addAppender(events);
        try {
            rig.engine(config(""), rig.worker("w")).close();
            assertThat(events.list).noneMatch(e -> e.getMessage().startsWith("authentication is off"));
            rig.engine(config("").replaceAll("(?s)auth:.*", "auth: {mode: disabled}\n"), rig.worker("w"));
        } finally {
            engineLog.detachAppender(events);
        }
        assertThat(events.list).filteredOn(e -> e.getLevel() == Level.WARN)
                .singleElement().satisfies(e -> assertThat(e.getFormattedMessage())
                        .startsWith("authentication is off (auth.mode: disabled)"));
    }

    @Test
    void theRequestLineNamesTheKeyNeverTheKeyItself() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger requests = context.getLogger("switchboard.requests");
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.setContext(context);
        events.start();
        Level before = requests.getLevel();
        requests.setLevel(Level.INFO);
        requests.addAppender(events);
        try {
            Switchboard engine = rig.engine(config(""), rig.worker("w"));
            assertThat(Http.request(engine.port(), "POST", "/v1/route", bearer(PRODUCER), ENVELOPE).status())
                    .isEqualTo(200);
        } finally {
            requests.detachAppender(events);
            requests.setLevel(before);
        }
        ILoggingEvent routed = events.list.stream().filter(e -> "routed".equals(e.getMessage())).findFirst()
                .orElseThrow(() -> new AssertionError("no request line in " + events.list));
        assertThat(routed.getMDCPropertyMap()).containsEntry("api_key", "producer");
        assertThat(routed.getMDCPropertyMap().toString() + routed.getKeyValuePairs()).doesNotContain(PRODUCER);
    }
}
