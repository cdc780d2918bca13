package io.switchboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.sync.RedisCommands;
import io.switchboard.testing.Http;
import io.switchboard.testing.RedisServer;
import io.switchboard.testing.TestRig;
import io.switchboard.testing.TestWorker;
import io.switchboard.testing.TestWorker.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Completion events published on a real Redis: pub/sub and streams, and surviving a Redis that is down. */
class RedisEventsTest {

    static final String CONFIG = """
            server: {port: 0}
            classes: [{name: chat, patterns: ["hello"]}, {name: ops, keywords: [deploy]}]
            default_class: chat
            pools:
              main: {workers: [{id: w1, url: "{{w1}}"}]}
              ops: {workers: [{id: w2, url: "{{w2}}"}]}
            routes: [{class: chat, pool: main}, {class: ops, pool: ops}]
            delivery: {max_attempts: 1}
            """;
    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final TestRig rig = new TestRig();

    private static String submit(Switchboard engine, String content) {
        Http.Answer a = Http.postJson(engine.port(), "/v1/messages", "{\"content\":\"" + content + "\"}");
        assertThat(a.status()).as(a.text()).isEqualTo(202);
        return a.json().get("id").asText();
    }

    private static List<JsonNode> stream(RedisCommands<String, String> c, String key) {
        return c.xread(XReadArgs.StreamOffset.from(key, "0")).stream()
                .map(m -> json(m.getBody().get("event"))).toList();
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void eventsArePublishedOnAChannelAndAppendedToAStream() {
        String channel = "switchboard-test-" + UUID.randomUUID();
        String key = "switchboard-test-" + UUID.randomUUID();
        RedisServer redis = rig.add(RedisServer.local());
        RedisCommands<String, String> c = redis.commands();
        List<String> heard = redis.subscribe(channel);
        Switchboard engine = rig.engine(CONFIG + """
                events:
                  - {type: redis-pubsub, url: "%1$s", channel: "%2$s"}
                  - {type: redis-stream, url: "%1$s", key: "%3$s", max_len: 1000}
                """.formatted(redis.uri(), channel, key),
                rig.worker("w1"), rig.worker("w2").answer(r -> Reply.status(400)));

        String delivered = submit(engine, "hello");
        String dead = submit(engine, "deploy it");

        await().atMost(20, TimeUnit.SECONDS).until(() -> heard.size() >= 2 && stream(c, key).size() >= 2);
        List<JsonNode> published = heard.stream().map(RedisEventsTest::json).toList();
        for (List<JsonNode> events : List.of(published, stream(c, key))) {
            JsonNode ok = events.stream().filter(e -> e.get("id").asText().equals(delivered)).findFirst().orElseThrow();
            assertThat(ok.get("event").asText()).isEqualTo("message_delivered");
            assertThat(ok.get("worker").asText()).isEqualTo("w1");
            JsonNode bad = events.stream().filter(e -> e.get("id").asText().equals(dead)).findFirst().orElseThrow();
            assertThat(bad.get("event").asText()).isEqualTo("message_dead_lettered");
            assertThat(bad.get("reason").asText()).isEqualTo("fatal_4xx");
        }
        c.del(key);
    }

    @Test
    void eventsWaitInTheOutboxWhileRedisIsDownAndArriveOnceItIsBack() {
        int port = RedisServer.freePort();
        String key = "switchboard-test-" + UUID.randomUUID();
        TestWorker w1 = rig.worker("w1");
        Switchboard engine = rig.engine(CONFIG + """
                events: [{type: redis-stream, name: audit, url: "redis://127.0.0.1:%d", key: "%s", timeout_ms: 500}]
                """.formatted(port, key), w1, rig.worker("w2"));

        String id = submit(engine, "hello");
        await().atMost(20, TimeUnit.SECONDS).until(() -> Http.get(engine.port(), "/metrics").text()
                .contains("switchboard_events_total{outcome=\"failed\",sink=\"audit\"} 1.0"));
        assertThat(engine.async().store().pendingEvents()).containsEntry("audit", 1L);

        try (RedisServer redis = RedisServer.start(port)) {
            RedisCommands<String, String> c = redis.commands();
            await().atMost(30, TimeUnit.SECONDS).until(() -> !stream(c, key).isEmpty());
            assertThat(stream(c, key)).singleElement()
                    .satisfies(e -> assertThat(e.get("id").asText()).isEqualTo(id));
            await().atMost(10, TimeUnit.SECONDS)
                    .until(() -> engine.async().store().pendingEvents().get("audit") == 0L);
        }
    }
}
