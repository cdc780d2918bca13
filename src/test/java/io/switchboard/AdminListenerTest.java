package io.switchboard;

import io.switchboard.testing.Http;
import io.switchboard.testing.TestRig;
import io.switchboard.testing.TestWorker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static io.switchboard.AuthenticationTest.OPS;
import static io.switchboard.AuthenticationTest.PRODUCER;
import static io.switchboard.AuthenticationTest.READER;
import static io.switchboard.AuthenticationTest.bearer;
import static org.assertj.core.api.Assertions.assertThat;

/** With server.admin_port the admin endpoints live on their own listener, and only there. */
class AdminListenerTest {

    static final String DISABLED = """
            server: {port: 0, admin_port: 0}
            classes: [{name: chat, patterns: ["hello"]}]
            default_class: chat
            pools: {main: {workers: [{id: w, url: "{{w}}"}]}}
            routes: [{class: chat, pool: main}]
            auth: {mode: disabled}
            """;

    @RegisterExtension
    final TestRig rig = new TestRig();

    @Test
    void adminEndpointsAreServedOnTheAdminPortAndAre404OnTheMainOne() {
        Switchboard engine = rig.engine(DISABLED, rig.worker("w"));
        int main = engine.port();
        int admin = engine.adminPort();
        assertThat(admin).isPositive().isNotEqualTo(main);

        var replayOnMain = Http.post(main, "/v1/dead-letters/some-id/replay");
        assertThat(replayOnMain.status()).isEqualTo(404);
        assertThat(replayOnMain.json().get("detail").asText()).contains("admin listener");
        assertThat(Http.delete(main, "/v1/dead-letters?all=true").status()).isEqualTo(404);
        assertThat(Http.post(main, "/v1/dead-letters/replay").status()).isEqualTo(404);

        assertThat(Http.post(admin, "/v1/dead-letters/some-id/replay").status()).as("the endpoint's own 404")
                .isEqualTo(404);
        assertThat(Http.post(admin, "/v1/dead-letters/some-id/replay").json().get("type").asText())
                .isEqualTo("urn:switchboard:problem:dead-letter-not-found");
        assertThat(Http.delete(admin, "/v1/dead-letters?all=true").status()).isEqualTo(200);
        assertThat(Http.post(admin, "/v1/dead-letters/replay").status()).isEqualTo(202);
    }

    @Test
    void theAdminPortServesNothingElseButHealth() {
        Switchboard engine = rig.engine(DISABLED, rig.worker("w"));
        int admin = engine.adminPort();

        assertThat(Http.postJson(admin, "/v1/route", AuthenticationTest.ENVELOPE).status()).isEqualTo(404);
        assertThat(Http.get(admin, "/v1/dead-letters").status()).as("reading stays on the main port").isEqualTo(404);
        assertThat(Http.get(admin, "/metrics").status()).isEqualTo(404);
        assertThat(Http.get(admin, "/health").status()).isEqualTo(200);
        assertThat(Http.get(engine.port(), "/v1/dead-letters").status()).isEqualTo(200);
    }

    @Test
    void theAdminPortStillNeedsAnAdminKey() {
        TestWorker w = rig.worker("w");
        Switchboard engine = rig.engine(AuthenticationTest.config("").replace("server: {port: 0}",
                "server: {port: 0, admin_port: 0}"), w);
        int admin = engine.adminPort();

        assertThat(Http.delete(admin, "/v1/dead-letters?all=true").status()).isEqualTo(401);
        assertThat(Http.request(admin, "DELETE", "/v1/dead-letters?all=true", bearer(READER), null).status())
                .isEqualTo(403);
        assertThat(Http.request(admin, "DELETE", "/v1/dead-letters?all=true", bearer(OPS), null).status())
                .isEqualTo(200);
        assertThat(Http.request(engine.port(), "DELETE", "/v1/dead-letters?all=true", bearer(OPS), null).status())
                .as("not on the main port, whatever the key").isEqualTo(404);
        assertThat(Http.request(engine.port(), "POST", "/v1/route", bearer(PRODUCER), AuthenticationTest.ENVELOPE)
                .status()).isEqualTo(200);
        assertThat(Http.get(engine.port(), "/v1/dead-letters", Map.of("X-API-Key", READER)).status()).isEqualTo(200);
    }
}
