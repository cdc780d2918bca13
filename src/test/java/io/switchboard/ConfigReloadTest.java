package io.switchboard;

import com.fasterxml.jackson.databind.node.TextNode;
import io.switchboard.admission.ApiKeys;
import io.switchboard.message.Envelope;
import io.switchboard.testing.Engines;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestRig;
import io.switchboard.testing.TestWorker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code POST /v1/admin/reload}: what it applies to the next request, what it refuses, and who may ask. */
class ConfigReloadTest {

    static final String OPS = "ops-key-0123456789abcdef";
    static final String OLD = "old-producer-key-0123456789";
    static final String NEW = "new-producer-key-0123456789";

    /** Two pools; {@code %s} is where the classes and routes go. */
    static final String BASE = """
            server: {port: 0}
            pools:
              main: {workers: [{id: a, url: "{{a}}"}]}
              spare: {workers: [{id: b, url: "{{b}}"}]}
            default_class: chat
            %s
            """;

    static final String ONE_CLASS = BASE.formatted("""
            classes: [{name: chat, patterns: ["hello"]}]
            routes: [{class: chat, pool: main}]
            """);

    static final String TWO_CLASSES = BASE.formatted("""
            classes: [{name: chat, patterns: ["hello"]}, {name: urgent, priority: HIGH, patterns: ["(?i)urgent"]}]
            routes: [{class: chat, pool: main}, {class: urgent, pool: spare}]
            """);

    @RegisterExtension
    final TestRig rig = new TestRig();

    /** The worker of pool {@code spare}, and the file the engine of {@link #start} reads. */
    private TestWorker b;
    private Engines.ConfigFile file;

    /** An engine reading {@code yaml} from a file the test rewrites; worker {@code a} serves pool main, b spare. */
    private Switchboard start(String yaml) {
        TestWorker a = rig.worker("a");
        b = rig.worker("b");
        file = rig.configFile(yaml, a, b);
        return rig.engine(file);
    }

    private static long version(Switchboard engine) {
        return Http.get(engine.port(), "/v1/admin/config").json().path("version").asLong();
    }

    private static Http.Answer reload(Switchboard engine) {
        return Http.post(engine.port(), "/v1/admin/reload");
    }

    private static Http.Answer route(Switchboard engine, String envelope) {
        return Http.postJson(engine.port(), "/v1/route", envelope);
    }

    @Test
    void aReloadAppliesNewClassesAndRoutesToTheNextRequest() {
        Switchboard engine = start(ONE_CLASS);
        assertThat(route(engine, "{\"content\":\"urgent: the site is down\"}").header("X-Switchboard-Class"))
                .isEqualTo("chat");
        assertThat(route(engine, "{\"content\":\"x\",\"class\":\"urgent\"}").status())
                .as("an explicit class must be one the rules know").isEqualTo(422);

        String before = Http.get(engine.port(), "/v1/admin/config").json().path("digest").asText();
        file.write(TWO_CLASSES);
        Http.Answer reloaded = reload(engine);

        assertThat(reloaded.status()).as(reloaded.text()).isEqualTo(200);
        assertThat(reloaded.json().path("outcome").asText()).isEqualTo("applied");
        assertThat(reloaded.json().path("version").asLong()).isEqualTo(2);
        assertThat(reloaded.json().path("changed").toString()).contains("classes", "routes");
        assertThat(reloaded.json().path("digest").asText()).matches("[0-9a-f]{16}").isNotEqualTo(before);
        Http.Answer urgent = route(engine, "{\"content\":\"urgent: the site is down\"}");
        assertThat(urgent.status()).as(urgent.text()).isEqualTo(200);
        assertThat(urgent.header("X-Switchboard-Class")).isEqualTo("urgent");
        assertThat(urgent.header("X-Switchboard-Pool")).isEqualTo("spare");
        assertThat(b.count()).isEqualTo(1);
        assertThat(b.received().getFirst().body().path("priority").asText()).isEqualTo("HIGH");
        assertThat(route(engine, "{\"content\":\"x\",\"class\":\"urgent\"}").status()).isEqualTo(200);
        assertThat(route(engine, "{\"content\":\"hello\"}").header("X-Switchboard-Pool")).isEqualTo("main");

        Http.Answer config = Http.get(engine.port(), "/v1/admin/config");
        assertThat(config.json().path("version").asLong()).isEqualTo(2);
        assertThat(config.json().path("classes").toString()).contains("urgent");
        assertThat(config.json().path("file").asText()).isEqualTo(file.path().toString());
        assertThat(engine.config().classes()).hasSize(2);
        String metrics = Http.get(engine.port(), "/metrics").text();
        assertThat(metrics).contains("switchboard_config_version 2.0")
                .contains("switchboard_config_reloads_total{outcome=\"applied\"} 1.0")
                .contains("switchboard_messages_received_total{class=\"urgent\"} 2.0")
                .contains("switchboard_classification_seconds_count{class=\"urgent\"}");
    }

    @Test
    void aChangeThatNeedsARestartIsRefusedWholeAndNamed() {
        Switchboard engine = start(ONE_CLASS);

        // New classes and a changed worker list: the classes could be applied, the workers could not.
        file.write(TWO_CLASSES.replace("spare: {workers: [{id: b, url: \"{{b}}\"}]}",
                "spare: {workers: [{id: b, url: \"{{b}}\"}, {id: c, url: \"{{b}}\"}]}"));
        Http.Answer refused = reload(engine);

        assertThat(refused.status()).as(refused.text()).isEqualTo(409);
        assertThat(refused.contentType()).isEqualTo("application/problem+json");
        assertThat(refused.json().path("type").asText()).isEqualTo("urn:switchboard:problem:restart-required");
        assertThat(refused.json().path("restart_required").toString()).isEqualTo("[\"pools.spare.workers\"]");
        assertThat(refused.json().path("reloadable_changes").toString()).contains("classes", "routes");
        assertThat(route(engine, "{\"content\":\"urgent\"}").header("X-Switchboard-Class"))
                .as("nothing of a refused reload is applied").isEqualTo("chat");
        assertThat(version(engine)).isEqualTo(1);
        assertThat(Http.get(engine.port(), "/metrics").text())
                .contains("switchboard_config_reloads_total{outcome=\"restart_required\"} 1.0")
                .contains("switchboard_config_last_reload_successful 0.0");

        file.write(TWO_CLASSES);
        assertThat(reload(engine).status()).isEqualTo(200);
        assertThat(Http.get(engine.port(), "/metrics").text()).contains("switchboard_config_last_reload_successful 1.0");
    }

    @Test
    void anInvalidConfigurationChangesNothingAndSaysWhere() {
        Switchboard engine = start(ONE_CLASS);

        file.write(TWO_CLASSES.replace("{class: urgent, pool: spare}", "{class: urgnet, pool: spare}"));
        Http.Answer invalid = reload(engine);

        assertThat(invalid.status()).as(invalid.text()).isEqualTo(422);
        assertThat(invalid.json().path("type").asText()).isEqualTo("urn:switchboard:problem:invalid-config");
        var error = invalid.json().path("errors").get(0);
        assertThat(error.path("file").asText()).isEqualTo(file.path().toString());
        assertThat(error.path("key").asText()).isEqualTo("routes[1].class");
        assertThat(error.path("reason").asText()).contains("unknown class 'urgnet'").contains("urgent");

        file.write("classes: [{name: chat, patterns: [\"hello\"]\n");
        Http.Answer broken = reload(engine);
        assertThat(broken.status()).as(broken.text()).isEqualTo(422);
        assertThat(broken.json().path("errors").get(0).path("key").asText()).as("a syntax error names line:column")
                .matches("\\d+:\\d+");

        assertThat(route(engine, "{\"content\":\"hello\"}").status()).isEqualTo(200);
        assertThat(version(engine)).isEqualTo(1);
    }

    @Test
    void reloadingTheSameConfigurationIsAnAnswerNotAChange() {
        Switchboard engine = start(ONE_CLASS);

        Http.Answer same = reload(engine);

        assertThat(same.status()).isEqualTo(200);
        assertThat(same.json().path("outcome").asText()).isEqualTo("unchanged");
        assertThat(same.json().path("version").asLong()).isEqualTo(1);
        assertThat(Http.get(engine.port(), "/v1/admin/reload").status()).isEqualTo(405);
    }

    @Test
    void anEngineBuiltFromMemoryHasNothingToReload() {
        Switchboard engine = rig.engine(ONE_CLASS, rig.worker("a"), rig.worker("b"));

        Http.Answer answer = reload(engine);

        assertThat(answer.status()).isEqualTo(409);
        assertThat(answer.json().path("type").asText()).isEqualTo("urn:switchboard:problem:no-config-file");
    }

    /** Keys: {@code ops} (admin) and the producers given; routes as {@code classes}. */
    private static String withKeys(String classes, String producers) {
        return classes + """
                auth:
                  keys:
                    - {name: ops, sha256: %s, scopes: [admin, read]}
                %s""".formatted(ApiKeys.sha256Hex(OPS), producers);
    }

    private static String producer(String name, String key, String extra) {
        return "    - {name: %s, sha256: %s, scopes: [route]%s}\n".formatted(name, ApiKeys.sha256Hex(key), extra);
    }

    private static Map<String, String> bearer(String key) {
        return Map.of("Authorization", "Bearer " + key);
    }

    @Test
    void aRevokedKeyIsRefusedAndANewOneAcceptedAfterAReload() {
        Switchboard engine = start(withKeys(ONE_CLASS, producer("old", OLD, "")));
        String envelope = "{\"content\":\"hello\"}";
        assertThat(Http.request(engine.port(), "POST", "/v1/route", bearer(OLD), envelope).status()).isEqualTo(200);
        assertThat(Http.request(engine.port(), "POST", "/v1/admin/reload", bearer(OLD), null).status())
                .as("a reload needs the admin scope").isEqualTo(403);
        assertThat(reload(engine).status()).as("and a key").isEqualTo(401);

        file.write(withKeys(ONE_CLASS, producer("new", NEW, "")));
        Http.Answer reloaded = Http.request(engine.port(), "POST", "/v1/admin/reload", bearer(OPS), null);

        assertThat(reloaded.status()).as(reloaded.text()).isEqualTo(200);
        assertThat(reloaded.json().path("changed").toString()).isEqualTo("[\"auth.keys\"]");
        assertThat(Http.request(engine.port(), "POST", "/v1/route", bearer(OLD), envelope).status()).isEqualTo(401);
        assertThat(Http.request(engine.port(), "POST", "/v1/route", bearer(NEW), envelope).status()).isEqualTo(200);
        assertThat(reloaded.text()).doesNotContain(ApiKeys.sha256Hex(NEW));
        assertThat(Http.get(engine.port(), "/metrics").text())
                .contains("switchboard_auth_total{key=\"new\",outcome=\"accepted\"} 1.0");
    }

    @Test
    void aRateLimitKeepsWhatWasSpentAcrossAReload() {
        // One request per 1000 s, bursts of 2: after two, only a reload that handed out a fresh burst would admit more.
        Switchboard engine = start(withKeys(ONE_CLASS,
                producer("old", OLD, ", rate_limit: {per_second: 0.001, burst: 2}")));
        String envelope = "{\"content\":\"hello\"}";
        for (int i = 0; i < 2; i++) {
            assertThat(Http.request(engine.port(), "POST", "/v1/route", bearer(OLD), envelope).status()).isEqualTo(200);
        }
        assertThat(Http.request(engine.port(), "POST", "/v1/route", bearer(OLD), envelope).status()).isEqualTo(429);

        file.write(withKeys(TWO_CLASSES, producer("old", OLD, ", rate_limit: {per_second: 0.001, burst: 2}")));
        assertThat(Http.request(engine.port(), "POST", "/v1/admin/reload", bearer(OPS), null).status()).isEqualTo(200);

        Http.Answer still = Http.request(engine.port(), "POST", "/v1/route", bearer(OLD), envelope);
        assertThat(still.status()).as(still.text()).isEqualTo(429);
        assertThat(still.header("Retry-After")).isNotNull();
    }

    @Test
    void requestsDuringReloadsAreEachRoutedByOneVersionOfTheRules() throws Exception {
        Switchboard engine = start(ONE_CLASS);
        List<Http.Answer> answers = new CopyOnWriteArrayList<>();
        AtomicBoolean reloading = new AtomicBoolean(true);
        Thread sender = Thread.ofVirtual().start(() -> {
            while (reloading.get() || answers.size() < 50) {
                answers.add(route(engine, "{\"content\":\"urgent call\"}"));
            }
        });

        for (int i = 0; i < 20; i++) {
            file.write(i % 2 == 0 ? TWO_CLASSES : ONE_CLASS);
            assertThat(reload(engine).json().path("outcome").asText()).isEqualTo("applied");
        }
        reloading.set(false);
        sender.join(Duration.ofSeconds(30));

        assertThat(sender.isAlive()).isFalse();
        assertThat(answers).allSatisfy(answer -> {
            assertThat(answer.status()).as(answer.text()).isEqualTo(200);
            // "urgent call" is urgent (spare) under two classes and chat (main, the default) under one; never a mix.
            assertThat(answer.header("X-Switchboard-Class") + " -> " + answer.header("X-Switchboard-Pool"))
                    .isIn("urgent -> spare", "chat -> main");
        });
        assertThat(version(engine)).isEqualTo(21);
    }

    @Test
    void aRequestIsDecidedByTheRulesItsClassWasCheckedAgainstEvenWhenAReloadRemovesTheClassMeanwhile() {
        Switchboard engine = start(TWO_CLASSES);
        // What the HTTP handler does per request: read the rules once, check the envelope against them, decide by them.
        Rulebook.Edition checkedAgainst = engine.pipeline().rules();
        Envelope urgent = new Envelope(TextNode.valueOf("the site is down"), Map.of(), "urgent", null, null, null);
        assertThat(checkedAgainst.rules().knows("urgent")).isTrue();

        file.write(ONE_CLASS);
        assertThat(reload(engine).json().path("outcome").asText()).isEqualTo("applied");

        Pipeline.Decision d = engine.pipeline().decide(urgent, checkedAgainst);
        assertThat(d.classification().className()).isEqualTo("urgent");
        assertThat(d.route().pool()).isEqualTo("spare");
        assertThatThrownBy(() -> engine.pipeline().decide(urgent))
                .as("the rules in force now no longer know the class the envelope names")
                .isInstanceOf(IllegalArgumentException.class);
    }
}
