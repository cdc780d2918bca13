package io.switchboard;

import io.switchboard.admission.ApiKeys;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestRig;
import io.switchboard.testing.TestWorker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The operator's controls: pausing a pool, draining a worker, and who may use them. */
class AdminControlsTest {

    static final String CONFIG = """
            server: {port: 0}
            %s
            classes: [{name: chat, patterns: ["hello"]}]
            default_class: chat
            pools: {main: {workers: [{id: a, url: "{{a}}"}, {id: b, url: "{{b}}"}]}}
            routes: [{class: chat, pool: main}]
            """;

    @RegisterExtension
    final TestRig rig = new TestRig();

    private static Http.Answer post(Switchboard engine, String path) {
        return Http.post(engine.port(), path);
    }

    @Test
    void aPausedPoolHoldsItsMessagesUntilResumed() {
        Switchboard engine = rig.engine(CONFIG.formatted("auth: {mode: disabled}"), rig.worker("a"), rig.worker("b"));

        Http.Answer paused = post(engine, "/v1/admin/pools/main/pause");
        assertThat(paused.status()).as(paused.text()).isEqualTo(200);
        assertThat(paused.json().path("paused").asBoolean()).isTrue();
        assertThat(Http.get(engine.port(), "/v1/health/details").json().path("pools").get(0).path("paused").asBoolean())
                .isTrue();

        Http.Answer held = Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\",\"ttl_ms\":300}");
        assertThat(held.status()).as("waited in the paused pool's queue until its deadline: " + held.text())
                .isEqualTo(504);

        assertThat(post(engine, "/v1/admin/pools/main/resume").json().path("paused").asBoolean()).isFalse();
        assertThat(Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}").status()).isEqualTo(200);
        assertThat(post(engine, "/v1/admin/pools/nope/pause").status()).isEqualTo(404);
        assertThat(post(engine, "/v1/admin/pools/main/stop").status()).isEqualTo(404);
        assertThat(Http.get(engine.port(), "/v1/admin/pools/main/pause").status()).isEqualTo(405);
    }

    @Test
    void aDrainedWorkerGetsNothingNewUntilPutBack() {
        TestWorker a = rig.worker("a");
        TestWorker b = rig.worker("b");
        Switchboard engine = rig.engine(CONFIG.formatted("auth: {mode: disabled}"), a, b);

        Http.Answer drained = post(engine, "/v1/admin/workers/a/drain");
        assertThat(drained.json().path("draining").asBoolean()).as(drained.text()).isTrue();
        for (int i = 0; i < 10; i++) {
            assertThat(Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}").status()).isEqualTo(200);
        }
        assertThat(a.count()).isZero();
        assertThat(b.count()).isEqualTo(10);
        assertThat(Http.get(engine.port(), "/v1/health/details").json().path("pools").get(0).path("workers").get(0)
                .path("draining").asBoolean()).isTrue();

        post(engine, "/v1/admin/workers/a/undrain");
        Set<String> served = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            served.add(Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}").header("X-Switchboard-Worker"));
        }
        assertThat(served).containsExactlyInAnyOrder("a", "b");
        assertThat(post(engine, "/v1/admin/workers/zzz/drain").status()).isEqualTo(404);
    }

    @Test
    void theControlsNeedAnAdminKey() {
        String ops = "ops-key-0123456789";
        String producer = "producer-key-0123456789";
        Switchboard engine = rig.engine(CONFIG.formatted("""
                auth:
                  keys:
                    - {name: ops, sha256: %s, scopes: [read, admin]}
                    - {name: producer, sha256: %s, scopes: [route, submit]}
                """.formatted(ApiKeys.sha256Hex(ops), ApiKeys.sha256Hex(producer))), rig.worker("a"), rig.worker("b"));

        assertThat(post(engine, "/v1/admin/pools/main/pause").status()).isEqualTo(401);
        Http.Answer forbidden = Http.post(engine.port(), "/v1/admin/pools/main/pause", "application/json", new byte[0],
                Map.of("X-API-Key", producer));
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.text()).contains("admin");
        Http.Answer allowed = Http.post(engine.port(), "/v1/admin/pools/main/pause", "application/json", new byte[0],
                Map.of("X-API-Key", ops));
        assertThat(allowed.status()).as(allowed.text()).isEqualTo(200);
    }
}
