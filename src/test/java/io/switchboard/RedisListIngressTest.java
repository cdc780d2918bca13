package io.switchboard;

import io.lettuce.core.api.sync.RedisCommands;
import io.switchboard.testing.Http;
import io.switchboard.testing.RedisServer;
import io.switchboard.testing.TestRig;
import io.switchboard.testing.TestWorker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The seed's command queue on a real Redis list: reliable moves, malformed items dead-lettered, crashes recovered. */
class RedisListIngressTest {

    static final String CONFIG = """
            server: {port: 0}
            classes: [{name: fetch, keywords: [fetch]}]
            default_class: fetch
            pools: {fetchers: {workers: [{id: f1, url: "{{f1}}"}]}}
            routes: [{class: fetch, pool: fetchers}]
            ingress: [{type: redis-list, url: "%s", key: "%s", processing_key: "%s", poll_timeout_ms: 200}]
            """;

    @RegisterExtension
    final TestRig rig = new TestRig();

    static String command(String chat, String date) {
        return "{\"command\":\"fetch\",\"chat\":\"" + chat + "\",\"mode\":\"date\",\"date\":\"" + date
                + "\",\"strategy\":\"batch\",\"requested_by\":\"scheduler\",\"timestamp\":\"2025-11-07T06:00:00Z\"}";
    }

    static Set<String> chats(TestWorker w) {
        return w.received().stream().map(r -> r.body().path("content").path("chat").asText()).collect(Collectors.toSet());
    }

    @Test
    void seedCommandsPushedOnTheListAreDeliveredAndMalformedOnesDeadLettered() {
        String key = "switchboard-test-" + UUID.randomUUID();
        String processing = key + ":processing:test";
        RedisServer redis = rig.add(RedisServer.local());
        RedisCommands<String, String> c = redis.commands();
        TestWorker f1 = rig.worker("f1");
        Switchboard engine = rig.engine(CONFIG.formatted(redis.uri(), key, processing), f1);

        for (int i = 0; i < 50; i++) {
            c.lpush(key, command("@chat" + i, "2025-11-07"));
        }
        c.lpush(key, "this is not json");

        await().atMost(20, TimeUnit.SECONDS).until(() -> f1.count() >= 50);
        assertThat(chats(f1)).hasSize(50).contains("@chat0", "@chat49");
        assertThat(f1.received().get(0).body().path("content").path("command").asText()).isEqualTo("fetch");
        assertThat(f1.received().get(0).body().path("class").asText()).isEqualTo("fetch");
        await().atMost(10, TimeUnit.SECONDS).until(() -> Http.get(engine.port(), "/v1/dead-letters?reason=rejected")
                .json().path("items").size() == 1);
        var letter = Http.get(engine.port(), "/v1/dead-letters?reason=rejected").json().path("items").get(0);
        assertThat(letter.path("envelope").path("content").asText()).isEqualTo("this is not json");
        assertThat(letter.path("last_error").path("message").asText()).isEqualTo("not JSON");
        await().atMost(10, TimeUnit.SECONDS).until(() -> c.llen(key) == 0 && c.llen(processing) == 0);
        assertThat(f1.count()).isEqualTo(50);
    }

    @Test
    void commandsMissingARequiredFieldAreDeadLetteredWithTheFieldsNamed() {
        String key = "switchboard-test-" + UUID.randomUUID();
        String processing = key + ":processing:test";
        RedisServer redis = rig.add(RedisServer.local());
        RedisCommands<String, String> c = redis.commands();
        TestWorker f1 = rig.worker("f1");
        Switchboard engine = rig.engine(CONFIG.replace("poll_timeout_ms: 200}", "poll_timeout_ms: 200, "
                + "required_fields: [command, chat, date]}").formatted(redis.uri(), key, processing), f1);

        c.lpush(key, "{\"command\":\"fetch\",\"chat\":\"\",\"mode\":\"date\"}");
        c.lpush(key, "[\"fetch\", \"@ru_python\"]");
        c.lpush(key, command("@ru_python", "2025-11-07"));

        await().atMost(20, TimeUnit.SECONDS).until(() -> f1.count() == 1 && Http.get(engine.port(),
                "/v1/dead-letters?reason=rejected").json().path("items").size() == 2);
        assertThat(chats(f1)).containsExactly("@ru_python");
        List<String> reasons = new ArrayList<>();
        Http.get(engine.port(), "/v1/dead-letters?reason=rejected").json().path("items")
                .forEach(d -> reasons.add(d.path("last_error").path("message").asText()));
        assertThat(reasons).containsExactlyInAnyOrder("missing required fields chat, date",
                "not a JSON object (required fields: command, chat, date)");
        await().atMost(10, TimeUnit.SECONDS).until(() -> c.llen(key) == 0 && c.llen(processing) == 0);
    }

    @Test
    void itemsLeftInTheProcessingListByAnEngineThatDiedAreTakenUpAtStart() {
        String key = "switchboard-test-" + UUID.randomUUID();
        String processing = key + ":processing:test";
        RedisServer redis = rig.add(RedisServer.local());
        RedisCommands<String, String> c = redis.commands();
        // What a crash between the move and the store leaves behind.
        c.lpush(processing, command("@left-behind", "2025-11-06"));
        TestWorker f1 = rig.worker("f1");
        rig.engine(CONFIG.formatted(redis.uri(), key, processing), f1);

        await().atMost(20, TimeUnit.SECONDS).until(() -> chats(f1).contains("@left-behind"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> c.llen(processing) == 0);
    }

    @Test
    void theIngressReconnectsByItselfWhenRedisComesBack() {
        int port = RedisServer.freePort();
        String key = "switchboard-test-" + UUID.randomUUID();
        TestWorker f1 = rig.worker("f1");
        RedisServer first = RedisServer.start(port);
        rig.engine(CONFIG.formatted(first.uri(), key, key + ":processing:test"), f1);
        first.commands().lpush(key, command("@before", "2025-11-07"));
        await().atMost(20, TimeUnit.SECONDS).until(() -> chats(f1).contains("@before"));
        first.close();

        try (RedisServer second = RedisServer.start(port)) {
            second.commands().lpush(key, command("@after", "2025-11-07"));
            await().atMost(30, TimeUnit.SECONDS).until(() -> chats(f1).contains("@after"));
            assertThat(second.port()).isEqualTo(port);
        }
    }
}
