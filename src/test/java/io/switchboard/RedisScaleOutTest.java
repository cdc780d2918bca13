package io.switchboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.message.Ids;
import io.switchboard.testing.EngineProcess;
import io.switchboard.testing.RedisServer;
import io.switchboard.testing.TestWorker;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scale-out on one Redis: three engine processes share a Redis store, producers submit 10,000 messages to all three,
 * and one engine is killed with SIGKILL midway. Every accepted message is delivered (by whichever engine claimed it,
 * or, for what the dead engine had in flight, by another once it stops beating), and a message reaches the worker
 * twice only if the dead engine was delivering it.
 */
class RedisScaleOutTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MESSAGES = 10_000;
    private static final int PRODUCERS = 12;
    private static final int DELIVERY_CONCURRENCY = 32;
    private static final Pattern GAUGE = Pattern.compile(
            "^switchboard_store_messages\\{[^}]*status=\"([a-z_]+)\"[^}]*}\\s+(\\S+)$", Pattern.MULTILINE);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1).build();
    /** Message id to the tag in its content, for every 202. */
    private final Map<String, String> accepted = new ConcurrentHashMap<>();
    /** Tags whose submission broke after it was sent: the engine may have stored them. */
    private final Set<String> cut = ConcurrentHashMap.newKeySet();
    private final AtomicInteger refused = new AtomicInteger();

    @Test
    void threeEnginesShareTheWorkAndOneKilledMidwayLosesNothing() throws Exception {
        String prefix = "sbscale:" + Ids.newTraceId(System.currentTimeMillis()) + ":";
        ConcurrentLinkedQueue<String> deliveries = new ConcurrentLinkedQueue<>();
        Set<String> serving = ConcurrentHashMap.newKeySet();
        List<EngineProcess> engines = new ArrayList<>();
        try (RedisServer redis = RedisServer.local(); TestWorker worker = TestWorker.start("w")) {
            worker.latency(2, 10).onReceive(r -> {
                String id = r.body().path("id").asText();
                deliveries.add(id);
                serving.add(id);
            }).answer(r -> {
                serving.remove(r.body().path("id").asText());
                return TestWorker.Reply.ok("{}");
            });
            try {
                for (int i = 1; i <= 3; i++) {
                    int port = RedisServer.freePort();
                    Path config = dir.resolve("engine-" + i + ".yaml");
                    Files.writeString(config, """
                            server: {port: %d, drain_timeout_ms: 2000}
                            classes: [{name: chat, patterns: ["hello"]}]
                            default_class: chat
                            pools: {main: {workers: [{id: w, url: "%s", max_concurrency: 256}]}}
                            routes: [{class: chat, pool: main}]
                            delivery: {max_attempts: 5}
                            store: {type: redis, url: "%s", key_prefix: "%s", instance_id: e%d,
                                    instance_timeout_ms: 3000, delivery_concurrency: %d}
                            auth: {mode: disabled}
                            """.formatted(port, worker.url(), redis.uri(), prefix, i, DELIVERY_CONCURRENCY));
                    engines.add(EngineProcess.start(config, port, dir.resolve("engine-" + i + ".log")));
                }

                AtomicInteger next = new AtomicInteger();
                List<Thread> producers = new ArrayList<>();
                for (int p = 0; p < PRODUCERS; p++) {
                    producers.add(Thread.ofVirtual().start(() -> {
                        for (int n = next.getAndIncrement(); n < MESSAGES; n = next.getAndIncrement()) {
                            submit(engines, n);
                        }
                    }));
                }
                await("half the messages accepted").atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20))
                        .until(() -> accepted.size() >= MESSAGES / 2);
                await("deliveries in flight").atMost(10, TimeUnit.SECONDS).pollInSameThread()
                        .pollInterval(Duration.ofMillis(1)).until(() -> !serving.isEmpty());
                assertThat(engines.get(1).kill()).as("exit status after SIGKILL").isEqualTo(137);
                for (Thread t : producers) {
                    assertThat(t.join(Duration.ofSeconds(90))).as("producer finished").isTrue();
                }

                EngineProcess survivor = engines.get(0);
                await("every accepted message reaches the worker").atMost(60, TimeUnit.SECONDS)
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> new HashSet<>(deliveries).containsAll(accepted.keySet()));
                await("nothing queued or in flight").atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
                        .until(() -> {
                            Map<String, Long> g = gauges(survivor);
                            return g.getOrDefault("queued", -1L) == 0 && g.getOrDefault("in_flight", -1L) == 0;
                        });
                Set<String> notDelivered = notDelivered(engines.get(2), accepted.keySet());

                List<String> all = List.copyOf(deliveries);
                Set<String> distinct = new HashSet<>(all);
                int duplicates = all.size() - distinct.size();
                Set<String> unacknowledged = new HashSet<>(distinct);
                unacknowledged.removeAll(accepted.keySet());
                String figures = "accepted %d, cut %d, refused %d; worker received %d deliveries of %d ids, %d duplicates"
                        .formatted(accepted.size(), cut.size(), refused.get(), all.size(), distinct.size(), duplicates);
                System.out.println("scale-out figures: " + figures);
                String context = figures + "\n" + survivor.tail(15) + engines.get(2).tail(15) + engines.get(1).tail(10);

                assertThat(accepted.size() + cut.size() + refused.get()).as(context).isEqualTo(MESSAGES);
                assertThat(notDelivered).as("accepted messages not reported delivered\n" + context).isEmpty();
                assertThat(duplicates).as("duplicates: at most what the killed engine had in flight\n" + context)
                        .isLessThanOrEqualTo(DELIVERY_CONCURRENCY);
                assertThat(unacknowledged.size()).as("delivered without a 202: only submissions the kill cut\n"
                        + context).isLessThanOrEqualTo(cut.size());
                String survivorsLogs = Files.readString(survivor.log()) + Files.readString(engines.get(2).log());
                assertThat(survivorsLogs).as("a surviving engine takes up the dead one's share\n" + context)
                        .containsPattern("engines \\[e2] stopped beating");
            } catch (ConditionTimeoutException e) {
                StringBuilder tails = new StringBuilder();
                engines.forEach(en -> tails.append(en.tail(20)));
                throw new AssertionError(e.getMessage() + "\naccepted " + accepted.size() + ", delivered ids "
                        + new HashSet<>(deliveries).size() + "\n" + tails, e);
            } finally {
                for (EngineProcess e : engines) {
                    e.close();
                }
                redis.deleteKeys(prefix);
            }
        }
    }

    /** Submits message {@code n} to engine {@code n % 3}, or to the next one that accepts connections. */
    private void submit(List<EngineProcess> engines, int n) {
        String tag = "m" + n;
        for (int k = 0; k < engines.size(); k++) {
            EngineProcess e = engines.get((n + k) % engines.size());
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + e.port() + "/v1/messages"))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"hello " + tag + "\"}")).build();
            try {
                HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 202) {
                    accepted.put(JSON.readTree(r.body()).path("id").asText(), tag);
                } else {
                    refused.incrementAndGet();
                }
                return;
            } catch (ConnectException ce) {
                // The killed engine: the producer goes to the next one.
            } catch (IOException ioe) {
                cut.add(tag);
                return;
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        refused.incrementAndGet();
    }

    /** The ids {@code engine} does not report as delivered. */
    private Set<String> notDelivered(EngineProcess engine, Set<String> ids) throws InterruptedException {
        Set<String> left = ConcurrentHashMap.newKeySet();
        List<String> all = List.copyOf(ids);
        List<Thread> lanes = new ArrayList<>();
        for (int lane = 0; lane < 8; lane++) {
            int from = lane;
            lanes.add(Thread.ofVirtual().start(() -> {
                for (int i = from; i < all.size(); i += 8) {
                    try {
                        JsonNode m = JSON.readTree(engine.get("/v1/messages/" + all.get(i)).body());
                        if (!"delivered".equals(m.path("status").asText())) {
                            left.add(all.get(i) + " " + m);
                        }
                    } catch (IOException e) {
                        left.add(all.get(i) + " (" + e + ")");
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }));
        }
        for (Thread t : lanes) {
            t.join();
        }
        return left;
    }

    private static Map<String, Long> gauges(EngineProcess engine) throws IOException, InterruptedException {
        Map<String, Long> out = new java.util.HashMap<>();
        Matcher m = GAUGE.matcher(engine.get("/metrics").body());
        while (m.find()) {
            out.put(m.group(1), (long) Double.parseDouble(m.group(2)));
        }
        return out;
    }
}
