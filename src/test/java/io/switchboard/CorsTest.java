package io.switchboard;

import io.switchboard.testing.Http;
import io.switchboard.testing.TestRig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static io.switchboard.AuthenticationTest.ENVELOPE;
import static io.switchboard.AuthenticationTest.PRODUCER;
import static org.assertj.core.api.Assertions.assertThat;

/** server.cors over real HTTP: preflights allowed and refused, the headers on answers, and none without the section. */
class CorsTest {

    static final String APP = "https://app.example.com";
    static final Map<String, String> PREFLIGHT = Map.of("Origin", APP, "Access-Control-Request-Method", "POST",
            "Access-Control-Request-Headers", "authorization, content-type");

    @RegisterExtension
    final TestRig rig = new TestRig();

    private Switchboard engine(String cors) {
        return rig.engine(AuthenticationTest.config("").replace("server: {port: 0}",
                "server: {port: 0, cors: " + cors + "}"), rig.worker("w"));
    }

    @Test
    void aPreflightFromAnAllowedOriginIs204WithWhatTheApiTakes() {
        Switchboard engine = engine("{allowed_origins: [\"" + APP + "\"], max_age_s: 120}");

        var answer = Http.request(engine.port(), "OPTIONS", "/v1/route", PREFLIGHT, null);

        assertThat(answer.status()).as("no key needed: browsers send none with a preflight").isEqualTo(204);
        assertThat(answer.header("Access-Control-Allow-Origin")).isEqualTo(APP);
        assertThat(answer.header("Access-Control-Allow-Methods")).contains("POST", "GET", "DELETE");
        assertThat(answer.header("Access-Control-Allow-Headers"))
                .contains("Authorization", "X-API-Key", "Content-Type", "X-Request-ID");
        assertThat(answer.header("Access-Control-Max-Age")).isEqualTo("120");
        assertThat(answer.header("Access-Control-Allow-Credentials")).isNull();
        assertThat(answer.headers().get("vary").toString()).contains("Origin");
    }

    @Test
    void anAllowedOriginCanReadAnswersErrorsIncluded() {
        Switchboard engine = engine("{allowed_origins: [\"" + APP + "\"], allow_credentials: true}");

        var ok = Http.request(engine.port(), "POST", "/v1/route",
                Map.of("Origin", APP, "Authorization", "Bearer " + PRODUCER), ENVELOPE);
        var unauthorized = Http.request(engine.port(), "POST", "/v1/route", Map.of("Origin", APP), ENVELOPE);

        for (var answer : new Http.Answer[] {ok, unauthorized}) {
            assertThat(answer.header("Access-Control-Allow-Origin")).isEqualTo(APP);
            assertThat(answer.header("Access-Control-Allow-Credentials")).isEqualTo("true");
            assertThat(answer.header("Access-Control-Expose-Headers")).contains("X-Request-ID", "Retry-After",
                    "RateLimit-Remaining", "WWW-Authenticate");
            assertThat(answer.header("Vary")).contains("Origin");
        }
        assertThat(ok.status()).isEqualTo(200);
        assertThat(unauthorized.status()).isEqualTo(401);
    }

    @Test
    void anotherOriginGetsNoCorsHeaderAndItsPreflightIs403() {
        Switchboard engine = engine("{allowed_origins: [\"" + APP + "\"]}");
        String evil = "https://evil.example.com";

        var preflight = Http.request(engine.port(), "OPTIONS", "/v1/route",
                Map.of("Origin", evil, "Access-Control-Request-Method", "POST"), null);
        var request = Http.request(engine.port(), "POST", "/v1/route",
                Map.of("Origin", evil, "Authorization", "Bearer " + PRODUCER), ENVELOPE);

        assertThat(preflight.status()).isEqualTo(403);
        assertThat(preflight.contentType()).startsWith("application/problem+json");
        assertThat(preflight.json().get("type").asText()).isEqualTo("urn:switchboard:problem:origin-not-allowed");
        assertThat(request.status()).as("served; the browser keeps the page from reading it").isEqualTo(200);
        for (var answer : new Http.Answer[] {preflight, request}) {
            assertThat(answer.headers().keySet()).noneMatch(h -> h.toLowerCase().startsWith("access-control-"));
        }
    }

    @Test
    void anyOriginIsAnsweredWithAStar() {
        Switchboard engine = engine("{allowed_origins: [\"*\"]}");

        var answer = Http.request(engine.port(), "OPTIONS", "/v1/messages", PREFLIGHT, null);

        assertThat(answer.status()).isEqualTo(204);
        assertThat(answer.header("Access-Control-Allow-Origin")).isEqualTo("*");
    }

    @Test
    void withoutTheSectionThereIsNoCorsHeaderAndOptionsIsAnOrdinaryRequest() {
        Switchboard engine = rig.engine(AuthenticationTest.config(""), rig.worker("w"));

        var preflight = Http.request(engine.port(), "OPTIONS", "/v1/route", PREFLIGHT, null);
        var request = Http.request(engine.port(), "POST", "/v1/route",
                Map.of("Origin", APP, "Authorization", "Bearer " + PRODUCER), ENVELOPE);

        assertThat(preflight.status()).isEqualTo(401);
        assertThat(request.status()).isEqualTo(200);
        for (var answer : new Http.Answer[] {preflight, request}) {
            assertThat(answer.headers().keySet()).noneMatch(h -> h.toLowerCase().startsWith("access-control-"));
            assertThat(answer.header("Vary")).isNull();
        }
    }
}
