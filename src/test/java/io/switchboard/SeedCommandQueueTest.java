package io.switchboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.api.sync.RedisCommands;
import io.switchboard.testing.RedisServer;
import io.switchboard.testing.TestRig;
import io.switchboard.testing.TestWorker;
import io.switchboard.testing.TestWorker.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fetcher's command queue, unchanged for the producers and consumers around it: a scheduler LPUSHes seed-format
 * commands (with duplicates) to {@code tg_commands}; fetch workers answer; a subscriber hears one
 * {@code messages_fetched} event per unique command in the seed's shape, and a chat that keeps failing ends in
 * {@code tg_commands:failed} with {@code failed_at}, {@code error} and {@code retry_count}.
 */
class SeedCommandQueueTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final TestRig rig = new TestRig();

    static String command(String chat, String date) {
        return "{\"command\":\"fetch\",\"chat\":\"" + chat + "\",\"mode\":\"date\",\"date\":\"" + date
                + "\",\"strategy\":\"batch\",\"requested_by\":\"scheduler\",\"timestamp\":\"2025-11-07T06:00:00Z\"}";
    }

    @Test
    void aThousandSeedCommandsWithDuplicatesGiveOneEventEachAndFailuresLandInTheFailedList() throws Exception {
        seedQueue(1, false);
    }

    @Test
    void twoEnginesOnARedisStoreShareTheSeedQueueWithTheSameOutcome() throws Exception {
        seedQueue(2, true);
    }

    /** The seed scenario with {@code engines} engines on the queue, sharing a Redis store or each with its own. */
    private void seedQueue(int engines, boolean redisStore) throws Exception {
        String queue = "tg_commands-" + UUID.randomUUID();
        String channel = "tg_events-" + UUID.randomUUID();
        RedisServer redis = rig.add(RedisServer.local());
        // Closed after the engines: the Redis store's keys go with them.
        rig.add(() -> redis.deleteKeys(queue + ":store:"));
        RedisCommands<String, String> c = redis.commands();
        List<String> heard = redis.subscribe(channel);
        TestWorker fetcher = rig.worker("f1").answer(r -> {
            JsonNode cmd = r.body().path("content");
            if (cmd.path("chat").asText().equals("@broken")) {
                return Reply.status(500);
            }
            return Reply.ok("{\"message_count\":" + cmd.path("chat").asText().length() + ",\"file_path\":\"/data/"
                    + cmd.path("chat").asText().substring(1) + "/" + cmd.path("date").asText() + ".json\"}");
        });
        String yaml = """
                server: {port: 0}
                classes: [{name: fetch, keywords: [fetch]}]
                default_class: fetch
                pools: {fetchers: {workers: [{id: f1, url: "{{f1}}", max_concurrency: 32}]}}
                routes: [{class: fetch, pool: fetchers}]
                delivery: {max_attempts: 3, backoff: {initial_ms: 1, max_ms: 5}}
                ingress:
                  - {type: redis-list, url: "%1$s", key: "%2$s", processing_key: "%2$s:processing:%4$s",
                     poll_timeout_ms: 200, dedup_key: "{chat}:{date}", dedup_window_ms: 600000}
                events:
                  - type: redis-pubsub
                    url: "%1$s"
                    channel: "%3$s"
                    when: delivered
                    template:
                      event: messages_fetched
                      chat: "{{content.chat}}"
                      date: "{{content.date}}"
                      message_count: "{{result.message_count}}"
                      file_path: "{{result.file_path}}"
                      duration_seconds: "{{duration_seconds}}"
                      timestamp: "{{timestamp}}"
                      service: tg-fetcher
                  - type: redis-list
                    url: "%1$s"
                    key: "%2$s:failed"
                    when: dead_lettered
                    template: {"*": "{{content}}", failed_at: "{{timestamp}}", error: "{{error.message}}",
                               retry_count: "{{attempts}}"}
                %5$s
                """;
        String store = redisStore ? "store: {type: redis, url: \"" + redis.uri() + "\", key_prefix: \"" + queue
                + ":store:\"}" : "";
        for (int n = 1; n <= engines; n++) {
            rig.engine(yaml.formatted(redis.uri(), queue, channel, "test-" + n, store), fetcher);
        }

        List<String> commands = new ArrayList<>();
        Set<String> unique = new TreeSet<>();
        for (int i = 0; i < 500; i++) {
            String chat = i == 7 ? "@broken" : "@chat" + i;
            commands.add(command(chat, "2025-11-07"));
            commands.add(command(chat, "2025-11-07"));
            unique.add(chat + ":2025-11-07");
        }
        Collections.shuffle(commands, new Random(42));
        for (String cmd : commands) {
            c.lpush(queue, cmd);
        }

        await().atMost(60, TimeUnit.SECONDS).until(() -> heard.size() >= unique.size() - 1
                && c.llen(queue + ":failed") >= 1);
        List<JsonNode> events = new ArrayList<>();
        for (String h : heard) {
            events.add(JSON.readTree(h));
        }
        assertThat(events).hasSize(unique.size() - 1);
        assertThat(events.stream().map(e -> e.path("chat").asText() + ":" + e.path("date").asText())
                .collect(Collectors.toSet())).hasSize(unique.size() - 1).doesNotContain("@broken:2025-11-07");
        JsonNode one = events.get(0);
        assertThat(iterable(one.fieldNames())).containsExactly("event", "chat", "date", "message_count",
                "file_path", "duration_seconds", "timestamp", "service");
        assertThat(one.path("event").asText()).isEqualTo("messages_fetched");
        assertThat(one.path("message_count").isInt()).isTrue();
        assertThat(one.path("duration_seconds").isNumber()).isTrue();
        assertThat(one.path("service").asText()).isEqualTo("tg-fetcher");

        List<String> failed = c.lrange(queue + ":failed", 0, -1);
        assertThat(failed).hasSize(1);
        JsonNode f = JSON.readTree(failed.get(0));
        assertThat(f.path("command").asText()).isEqualTo("fetch");
        assertThat(f.path("chat").asText()).isEqualTo("@broken");
        assertThat(f.path("requested_by").asText()).isEqualTo("scheduler");
        assertThat(f.path("retry_count").asInt()).isEqualTo(3);
        assertThat(f.path("error").asText()).contains("500");
        assertThat(f.path("failed_at").asText()).endsWith("Z");
        // Every unique command went to a fetcher; the broken one three times; no duplicate was fetched.
        Map<String, Long> fetched = fetcher.received().stream().collect(Collectors.groupingBy(
                r -> r.body().path("content").path("chat").asText(), Collectors.counting()));
        assertThat(fetched).hasSize(unique.size());
        assertThat(fetched.get("@broken")).isEqualTo(3L);
        assertThat(fetched.entrySet().stream().filter(e -> !e.getKey().equals("@broken"))
                .allMatch(e -> e.getValue() == 1L)).isTrue();
        c.del(queue + ":failed");
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
