package io.switchboard;

import io.switchboard.admission.ApiKeys;
import io.switchboard.testing.FakeTicker;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestRig;
import io.switchboard.testing.TestWorker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;

import static io.switchboard.AuthenticationTest.ENVELOPE;
import static io.switchboard.AuthenticationTest.PRODUCER;
import static io.switchboard.AuthenticationTest.bearer;
import static org.assertj.core.api.Assertions.assertThat;

/** Rate limits per API key and per route over real HTTP, on a fake clock: 429 with the headers, then recovery. */
class RateLimitedApiTest {

    static final String OTHER = "other-producer-key-0123456789";

    @RegisterExtension
    final TestRig rig = new TestRig();
    final FakeTicker ticker = FakeTicker.startingAt(Long.MAX_VALUE - Duration.ofMillis(700).toNanos());

    private Switchboard keyLimited(TestWorker w) {
        return rig.engine(ticker, """
                server: {port: 0}
                classes: [{name: chat, patterns: ["hello"]}]
                default_class: chat
                pools: {main: {workers: [{id: w, url: "{{w}}"}]}}
                routes: [{class: chat, pool: main}]
                auth:
                  keys:
                    - {name: producer, sha256: %s, scopes: [route, submit], rate_limit: {per_second: 2, burst: 2}}
                    - {name: other, sha256: %s, scopes: [route]}
                """.formatted(ApiKeys.sha256Hex(PRODUCER), ApiKeys.sha256Hex(OTHER)), w);
    }

    @Test
    void aKeyOverItsLimitGets429WithRetryAfterAndTheRateLimitFields() {
        TestWorker w = rig.worker("w");
        Switchboard engine = keyLimited(w);

        var first = Http.request(engine.port(), "POST", "/v1/route", bearer(PRODUCER), ENVELOPE);
        var second = Http.request(engine.port(), "POST", "/v1/route", bearer(PRODUCER), ENVELOPE);
        var third = Http.request(engine.port(), "POST", "/v1/route", bearer(PRODUCER), ENVELOPE);

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("RateLimit-Limit")).isEqualTo("2");
        assertThat(first.header("RateLimit-Remaining")).isEqualTo("1");
        assertThat(first.header("RateLimit-Reset")).isEqualTo("1");
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.header("RateLimit-Remaining")).isEqualTo("0");
        assertThat(third.status()).isEqualTo(429);
        assertThat(third.contentType()).startsWith("application/problem+json");
        assertThat(third.json().get("type").asText()).isEqualTo("urn:switchboard:problem:rate-limited");
        assertThat(third.json().get("detail").asText()).contains("'producer'");
        assertThat(third.header("Retry-After")).isEqualTo("1");
        assertThat(third.header("RateLimit-Limit")).isEqualTo("2");
        assertThat(third.header("RateLimit-Remaining")).isEqualTo("0");
        assertThat(third.header("RateLimit-Reset")).isEqualTo("1");
        assertThat(w.count()).as("the refused request reached no worker").isEqualTo(2);

        var unlimited = Http.request(engine.port(), "POST", "/v1/route", bearer(OTHER), ENVELOPE);
        assertThat(unlimited.status()).as("another key has its own limit, here none").isEqualTo(200);
        assertThat(unlimited.header("RateLimit-Limit")).isNull();

        ticker.advance(Duration.ofMillis(499));
        assertThat(Http.request(engine.port(), "POST", "/v1/route", bearer(PRODUCER), ENVELOPE).status())
                .isEqualTo(429);
        ticker.advance(Duration.ofMillis(1));
        var recovered = Http.request(engine.port(), "POST", "/v1/route", bearer(PRODUCER), ENVELOPE);
        assertThat(recovered.status()).as("one interval later, across the clock's wrap").isEqualTo(200);
        assertThat(recovered.header("RateLimit-Remaining")).isEqualTo("0");

        assertThat(engine.metrics().scrape()).contains("switchboard_rejections_total{reason=\"rate_limited\"} 2.0")
                .contains("switchboard_rejections_total{reason=\"overload\"} 0.0");
    }

    @Test
    void aRouteOverItsLimitIsRefusedAfterClassificationBeforeDeliveryOrStore() {
        TestWorker w = rig.worker("w");
        Switchboard engine = rig.engine(ticker, """
                server: {port: 0}
                classes: [{name: chat, patterns: ["hello"]}, {name: bulk, patterns: ["bulk"]}]
                default_class: chat
                pools: {main: {workers: [{id: w, url: "{{w}}"}]}}
                routes:
                  - {class: chat, pool: main}
                  - {class: bulk, pool: main, rate_limit: {per_second: 1, burst: 2}}
                auth: {mode: disabled}
                """, w);
        String bulk = "{\"content\":\"bulk load\"}";

        assertThat(Http.postJson(engine.port(), "/v1/route", bulk).status()).isEqualTo(200);
        var stored = Http.postJson(engine.port(), "/v1/messages", bulk);
        assertThat(stored.status()).isEqualTo(202);
        assertThat(stored.header("RateLimit-Remaining")).isEqualTo("0");
        var refused = Http.postJson(engine.port(), "/v1/route", bulk);
        var refusedAsync = Http.postJson(engine.port(), "/v1/messages", bulk);

        for (var answer : new Http.Answer[] {refused, refusedAsync}) {
            assertThat(answer.status()).isEqualTo(429);
            assertThat(answer.json().get("type").asText()).isEqualTo("urn:switchboard:problem:rate-limited");
            assertThat(answer.json().get("class").asText()).isEqualTo("bulk");
            assertThat(answer.header("Retry-After")).isEqualTo("1");
            assertThat(answer.header("RateLimit-Limit")).isEqualTo("2");
        }
        assertThat(engine.async().store().counts().values().stream().mapToLong(Long::longValue).sum())
                .as("only the admitted submission was stored").isEqualTo(1);
        assertThat(Http.postJson(engine.port(), "/v1/route", ENVELOPE).status()).as("another route").isEqualTo(200);
        assertThat(Http.postJson(engine.port(), "/v1/classify", bulk).status()).as("a dry run takes nothing")
                .isEqualTo(200);

        ticker.advance(Duration.ofSeconds(1));
        assertThat(Http.postJson(engine.port(), "/v1/route", bulk).status()).isEqualTo(200);
        assertThat(Http.postJson(engine.port(), "/v1/route", bulk).status()).isEqualTo(429);
        assertThat(engine.metrics().scrape()).contains("switchboard_rejections_total{reason=\"rate_limited\"} 3.0");
    }

    @Test
    void aKeyAndARouteLimitEachHoldAndA429CarriesTheOneThatRefused() {
        TestWorker w = rig.worker("w");
        Switchboard engine = rig.engine(ticker, """
                server: {port: 0}
                classes: [{name: chat, patterns: ["hello"]}]
                default_class: chat
                pools: {main: {workers: [{id: w, url: "{{w}}"}]}}
                routes: [{class: chat, pool: main, rate_limit: {per_second: 1, burst: 1}}]
                auth:
                  keys: [{name: producer, sha256: %s, scopes: [route], rate_limit: {per_second: 10, burst: 5}}]
                """.formatted(ApiKeys.sha256Hex(PRODUCER)), w);

        var ok = Http.request(engine.port(), "POST", "/v1/route", bearer(PRODUCER), ENVELOPE);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.header("RateLimit-Limit")).as("a success carries the key's limit").isEqualTo("5");
        var byRoute = Http.request(engine.port(), "POST", "/v1/route", Map.of("X-API-Key", PRODUCER), ENVELOPE);
        assertThat(byRoute.status()).isEqualTo(429);
        assertThat(byRoute.header("RateLimit-Limit")).as("the route refused").isEqualTo("1");
        assertThat(byRoute.json().get("detail").asText()).contains("class 'chat'");
    }
}
