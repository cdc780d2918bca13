package io.switchboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.models.stream.PendingMessage;
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

/**
 * The command queue on a real Redis stream read by a consumer group: entries acknowledged once stored, entries of a
 * consumer that crashed taken over, entries redelivered too often and malformed ones dead-lettered, trimming that
 * never drops what a group has not acknowledged.
 */
class RedisStreamIngressTest {

    static final String CONFIG = """
            server: {port: 0}
            classes: [{name: fetch, keywords: [fetch]}]
            default_class: fetch
            pools: {fetchers: {workers: [{id: f1, url: "{{f1}}"}]}}
            routes: [{class: fetch, pool: fetchers}]
            ingress:
              - {type: redis-stream, url: "%s", key: "%s", consumer: engine, poll_timeout_ms: 200, claim_idle_ms: %d%s}
            """;
    static final String GROUP = "switchboard";

    @RegisterExtension
    final TestRig rig = new TestRig();

    static String config(RedisServer redis, String key, long claimIdleMs, String more) {
        return CONFIG.formatted(redis.uri(), key, claimIdleMs, more);
    }

    static String command(String chat, String date) {
        return "{\"command\":\"fetch\",\"chat\":\"" + chat + "\",\"mode\":\"date\",\"date\":\"" + date
                + "\",\"strategy\":\"batch\",\"requested_by\":\"scheduler\",\"timestamp\":\"2025-11-07T06:00:00Z\"}";
    }

    /** What a producer doing {@code XADD key * command fetch chat <chat> date 2025-11-07} adds. */
    static String add(RedisCommands<String, String> c, String key, String chat) {
        return c.xadd(key, "command", "fetch", "chat", chat, "date", "2025-11-07");
    }

    static Set<String> chats(TestWorker w) {
        return w.received().stream().map(r -> r.body().path("content").path("chat").asText())
                .collect(Collectors.toSet());
    }

    static long pending(RedisCommands<String, String> c, String key, String group) {
        return c.xpending(key, group).getCount();
    }

    static List<String> ids(RedisCommands<String, String> c, String key) {
        return c.xrange(key, Range.unbounded()).stream().map(StreamMessage::getId).toList();
    }

    static void createGroup(RedisCommands<String, String> c, String key, String group) {
        c.xgroupCreate(StreamOffset.from(key, "0"), group, XGroupCreateArgs.Builder.mkstream());
    }

    static JsonNode rejected(Switchboard engine) {
        return Http.get(engine.port(), "/v1/dead-letters?reason=rejected").json().path("items");
    }

    @Test
    void entriesAddedToTheStreamAreDeliveredAndAcknowledged() {
        String key = "switchboard-test-" + UUID.randomUUID();
        RedisServer redis = rig.add(RedisServer.local());
        RedisCommands<String, String> c = redis.commands();
        TestWorker f1 = rig.worker("f1");
        // Added before the engine ever started: the group it creates starts at the beginning of the stream.
        c.xadd(key, "payload", command("@payload", "2025-11-07"));
        rig.engine(config(redis, key, 30_000, ", dedup_key: \"{chat}:{date}\""), f1);

        List<String> expected = new ArrayList<>(List.of("@payload"));
        for (int i = 0; i < 30; i++) {
            add(c, key, "@chat" + i);
            expected.add("@chat" + i);
        }
        add(c, key, "@chat3");
        String last = c.xadd(key, "data", command("@data", "2025-11-07"));
        expected.add("@data");

        await().atMost(20, TimeUnit.SECONDS).until(() -> f1.count() >= expected.size());
        assertThat(chats(f1)).containsExactlyInAnyOrderElementsOf(expected);
        JsonNode fields = f1.received().stream().map(r -> r.body().path("content"))
                .filter(n -> n.path("chat").asText().equals("@chat7")).findFirst().orElseThrow();
        assertThat(fields.toString()).isEqualTo("{\"command\":\"fetch\",\"chat\":\"@chat7\",\"date\":\"2025-11-07\"}");
        assertThat(f1.received().get(0).body().path("class").asText()).isEqualTo("fetch");
        // Every entry acknowledged, and the stream trimmed up to the last one read.
        await().atMost(10, TimeUnit.SECONDS).until(() -> pending(c, key, GROUP) == 0
                && ids(c, key).equals(List.of(last)));
        // The second @chat3 was dropped as a duplicate, and acknowledged all the same.
        assertThat(f1.count()).isEqualTo(expected.size());
    }

    @Test
    void entriesAConsumerThatCrashedHadReadAreTakenOverAfterClaimIdleMs() {
        String key = "switchboard-test-" + UUID.randomUUID();
        RedisServer redis = rig.add(RedisServer.local());
        RedisCommands<String, String> c = redis.commands();
        createGroup(c, key, GROUP);
        for (int i = 0; i < 5; i++) {
            add(c, key, "@orphan" + i);
        }
        // Read by a consumer that then died: pending on it, never acknowledged.
        assertThat(c.xreadgroup(Consumer.from(GROUP, "crashed"), XReadArgs.Builder.count(10),
                StreamOffset.lastConsumed(key))).hasSize(5);
        TestWorker f1 = rig.worker("f1");
        rig.engine(config(redis, key, 200, ""), f1);
        add(c, key, "@fresh");

        await().atMost(20, TimeUnit.SECONDS).until(() -> chats(f1).containsAll(
                Set.of("@orphan0", "@orphan1", "@orphan2", "@orphan3", "@orphan4", "@fresh")));
        await().atMost(10, TimeUnit.SECONDS).until(() -> pending(c, key, GROUP) == 0);
        assertThat(f1.count()).isEqualTo(6);
    }

    @Test
    void anEntryDeliveredMoreThanMaxDeliveriesIsDeadLetteredAndAcknowledged() {
        String key = "switchboard-test-" + UUID.randomUUID();
        RedisServer redis = rig.add(RedisServer.local());
        RedisCommands<String, String> c = redis.commands();
        createGroup(c, key, GROUP);
        String poison = add(c, key, "@poison");
        c.xreadgroup(Consumer.from(GROUP, "crashed"), XReadArgs.Builder.count(10), StreamOffset.lastConsumed(key));
        // As if consumers had taken it up and died on it four times.
        c.xclaim(key, Consumer.from(GROUP, "crashed"), XClaimArgs.Builder.minIdleTime(0).retryCount(4), poison);
        TestWorker f1 = rig.worker("f1");
        Switchboard engine = rig.engine(config(redis, key, 200, ", max_deliveries: 3"), f1);
        add(c, key, "@fine");

        await().atMost(20, TimeUnit.SECONDS).until(() -> rejected(engine).size() == 1);
        JsonNode letter = rejected(engine).get(0);
        assertThat(letter.path("envelope").path("content").path("chat").asText()).isEqualTo("@poison");
        assertThat(letter.path("last_error").path("message").asText())
                .isEqualTo("delivered 5 times by stream " + key + ", more than max_deliveries (3)");
        await().atMost(10, TimeUnit.SECONDS).until(() -> chats(f1).contains("@fine"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> pending(c, key, GROUP) == 0);
        assertThat(chats(f1)).containsExactly("@fine");
    }

    @Test
    void aMalformedEntryIsDeadLetteredAndTheStreamKeepsFlowing() {
        String key = "switchboard-test-" + UUID.randomUUID();
        RedisServer redis = rig.add(RedisServer.local());
        RedisCommands<String, String> c = redis.commands();
        TestWorker f1 = rig.worker("f1");
        Switchboard engine = rig.engine(config(redis, key, 30_000, ""), f1);

        String bad = c.xadd(key, "payload", "this is not json");
        for (int i = 0; i < 5; i++) {
            add(c, key, "@after" + i);
        }

        await().atMost(20, TimeUnit.SECONDS).until(() -> chats(f1).size() == 5);
        await().atMost(10, TimeUnit.SECONDS).until(() -> rejected(engine).size() == 1);
        JsonNode letter = rejected(engine).get(0);
        assertThat(letter.path("envelope").path("content").asText()).isEqualTo("this is not json");
        assertThat(letter.path("last_error").path("message").asText()).isEqualTo("not JSON");
        assertThat(letter.path("envelope").path("metadata").path("redis_id").asText()).isEqualTo(bad);
        await().atMost(10, TimeUnit.SECONDS).until(() -> pending(c, key, GROUP) == 0);
    }

    @Test
    void trimmingNeverRemovesAnEntryAGroupHasNotAcknowledged() {
        String key = "switchboard-test-" + UUID.randomUUID();
        RedisServer redis = rig.add(RedisServer.local());
        RedisCommands<String, String> c = redis.commands();
        createGroup(c, key, GROUP);
        createGroup(c, key, "audit");
        String e1 = add(c, key, "@t1");
        String e2 = add(c, key, "@t2");
        String e3 = add(c, key, "@t3");
        String e4 = add(c, key, "@t4");
        // Another group has read and acknowledged e1..e4, and nothing after.
        c.xreadgroup(Consumer.from("audit", "a1"), XReadArgs.Builder.count(4), StreamOffset.lastConsumed(key));
        c.xack(key, "audit", e1, e2, e3, e4);
        // A slow consumer of this group has acknowledged e1 and still holds e2.
        c.xreadgroup(Consumer.from(GROUP, "slow"), XReadArgs.Builder.count(2), StreamOffset.lastConsumed(key));
        c.xack(key, GROUP, e1);
        TestWorker f1 = rig.worker("f1");
        rig.engine(config(redis, key, 60_000, ""), f1);

        await().atMost(20, TimeUnit.SECONDS).until(() -> chats(f1).containsAll(Set.of("@t3", "@t4")));
        await().atMost(10, TimeUnit.SECONDS).until(() -> ids(c, key).equals(List.of(e2, e3, e4)));
        List<PendingMessage> held = c.xpending(key, Consumer.from(GROUP, "slow"), Range.unbounded(), Limit.from(10));
        assertThat(held).extracting(PendingMessage::getId).containsExactly(e2);

        String e5 = add(c, key, "@t5");
        await().atMost(10, TimeUnit.SECONDS).until(() -> chats(f1).contains("@t5"));
        c.xack(key, GROUP, e2);
        String e6 = add(c, key, "@t6");
        // This group is done with e6; the audit group has not read past e4.
        await().atMost(10, TimeUnit.SECONDS).until(() -> ids(c, key).equals(List.of(e4, e5, e6)));
        assertThat(chats(f1)).doesNotContain("@t1", "@t2");
    }

    @Test
    void entriesTheStoreRefusesStayPendingAndAreAcknowledgedOnceStored() {
        String key = "switchboard-test-" + UUID.randomUUID();
        RedisServer redis = rig.add(RedisServer.local());
        RedisCommands<String, String> c = redis.commands();
        TestWorker f1 = rig.worker("f1").hold();
        // On the stream before the engine starts, so that its first read takes all three: added after, the third
        // could arrive once the ingress is waiting on the second and stay unread, not pending.
        add(c, key, "@first");
        add(c, key, "@second");
        add(c, key, "@third");
        // One message queued or in flight at once: while f1 holds the first, the store refuses the others.
        rig.engine(config(redis, key, 300, "") + "store: {max_messages: 1}\n", f1);

        await().atMost(20, TimeUnit.SECONDS).until(() -> f1.inFlight() == 1 && pending(c, key, GROUP) == 2);
        assertThat(c.xpending(key, Consumer.from(GROUP, "engine"), Range.unbounded(), Limit.from(10)))
                .extracting(PendingMessage::getRedeliveryCount).containsExactly(1L, 1L);

        f1.open();
        await().atMost(20, TimeUnit.SECONDS).until(() -> chats(f1).containsAll(Set.of("@first", "@second", "@third")));
        await().atMost(10, TimeUnit.SECONDS).until(() -> pending(c, key, GROUP) == 0);
        assertThat(f1.count()).isEqualTo(3);
    }

    @Test
    void theIngressReconnectsAndCreatesItsGroupAgainWhenRedisComesBackEmpty() {
        int port = RedisServer.freePort();
        String key = "switchboard-test-" + UUID.randomUUID();
        TestWorker f1 = rig.worker("f1");
        RedisServer first = RedisServer.start(port);
        rig.engine(config(first, key, 30_000, ""), f1);
        add(first.commands(), key, "@before");
        await().atMost(20, TimeUnit.SECONDS).until(() -> chats(f1).contains("@before"));
        first.close();

        try (RedisServer second = RedisServer.start(port)) {
            add(second.commands(), key, "@after");
            await().atMost(30, TimeUnit.SECONDS).until(() -> chats(f1).contains("@after"));
            await().atMost(10, TimeUnit.SECONDS).until(() -> pending(second.commands(), key, GROUP) == 0);
        }
    }
}
