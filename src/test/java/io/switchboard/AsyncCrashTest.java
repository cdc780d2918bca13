package io.switchboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.testing.EngineProcess;
import io.switchboard.testing.TestWorker;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Crash safety of asynchronous messages. The engine runs as its own process with its store on disk and is killed with
 * SIGKILL several times while producers submit at a steady rate and a worker answers with a small latency. Every
 * message that got a 202 must be delivered; a message reaches the worker more than once only when a kill cut its
 * delivery short, and then under the same id, so that the worker can tell it is a duplicate.
 */
class AsyncCrashTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KILLS = 3;
    private static final int DELIVERY_CONCURRENCY = 32;
    private static final int PRODUCERS = 6;
    private static final int RATE_PER_SECOND = 300;
    /** Messages accepted by each run of the engine before it is killed (about two seconds of load). */
    private static final int ACCEPTED_PER_RUN = 600;
    private static final Pattern REQUEUED = Pattern.compile("recovered the store: (\\d+) in-flight messages re-queued");
    private static final Pattern STORE_GAUGE = Pattern.compile(
            "^switchboard_store_messages\\{[^}]*status=\"([a-z_]+)\"[^}]*}\\s+(\\S+)$", Pattern.MULTILINE);
    private static final Pattern COMMIT_SUM = Pattern.compile(
            "^switchboard_store_commit_seconds_sum(?:\\{[^}]*})?\\s+(\\S+)$", Pattern.MULTILINE);
    private static final Pattern COMMIT_COUNT = Pattern.compile(
            "^switchboard_store_commit_seconds_count(?:\\{[^}]*})?\\s+(\\S+)$", Pattern.MULTILINE);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    /** One request the worker received. */
    record Delivery(String id, String tag, int attempt, String attemptHeader, long atNanos) {
    }

    /** What was measured around one kill. */
    static final class Kill {
        final int number;
        long engineInFlight;
        long commitMeanMicros;
        int workerInFlight;
        Set<String> servingAtKill = Set.of();
        long exitMicros;
        long killedAtNanos;
        long readyAgainAtNanos;
        int requeued = -1;

        Kill(int number) {
            this.number = number;
        }

        @Override
        public String toString() {
            return "kill " + number + ": engine in flight " + engineInFlight + ", worker in flight " + workerInFlight
                    + ", worker serving at the kill " + servingAtKill.size() + ", re-queued on restart " + requeued
                    + ", exited " + exitMicros / 1000 + " ms after SIGKILL"
                    + ", down for " + TimeUnit.NANOSECONDS.toMillis(readyAgainAtNanos - killedAtNanos) + " ms"
                    + ", mean store commit before it " + commitMeanMicros + " us";
        }
    }

    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    private final List<Path> logs = new ArrayList<>();
    /** Submissions answered 202: message id to the tag in its content. */
    private final Map<String, String> accepted = new ConcurrentHashMap<>();
    /** Tags of submissions whose connection broke before an answer: the engine may or may not have stored them. */
    private final Set<String> cut = ConcurrentHashMap.newKeySet();
    private final AtomicInteger notConnected = new AtomicInteger();
    private final Map<Integer, AtomicInteger> refusedByStatus = new ConcurrentHashMap<>();
    private final Queue<String> oddAnswers = new ConcurrentLinkedQueue<>();
    private int port;
    private Path config;

    @Test
    void killNineUnderLoadLosesNoAcceptedMessage() throws Exception {
        long began = System.nanoTime();
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ConcurrentLinkedQueue<Delivery> deliveries = new ConcurrentLinkedQueue<>();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        Set<String> serving = ConcurrentHashMap.newKeySet();
        List<Kill> kills = new ArrayList<>();

        try (TestWorker worker = TestWorker.start("w")) {
            // The worker takes 5-20 ms per message, so there are messages in flight at every kill.
            worker.latency(5, 20).onReceive(r -> {
                JsonNode body = r.body();
                String id = body.path("id").asText();
                deliveries.add(new Delivery(id, tagOf(body.path("content").asText()), body.path("attempt").asInt(),
                        r.header("X-Switchboard-Attempt"), System.nanoTime()));
                seen.add(id);
                serving.add(id);
            }).answer(r -> {
                String id = r.body().path("id").asText();
                serving.remove(id);
                return TestWorker.Reply.ok("{\"done\":\"" + id + "\"}");
            });
            config = dir.resolve("engine.yaml");
            Files.writeString(config, """
                    server: {port: %d, drain_timeout_ms: 2000}
                    classes: [{name: chat, patterns: ["hello"]}]
                    default_class: chat
                    pools: {main: {workers: [{id: w, url: "%s", max_concurrency: 64}]}}
                    routes: [{class: chat, pool: main}]
                    # more attempts than kills: a message cut short by every kill is still not dead-lettered
                    delivery: {max_attempts: %d}
                    store: {path: "%s", delivery_concurrency: %d}
                    auth: {mode: disabled}
                    """.formatted(port, worker.url(), KILLS + 3, dir.resolve("data"), DELIVERY_CONCURRENCY));

            AtomicBoolean producing = new AtomicBoolean(true);
            AtomicLong sequence = new AtomicLong();
            Semaphore tokens = new Semaphore(0);
            ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("crash-test-pacer").daemon().factory());
            List<Thread> producers = new ArrayList<>();
            Process engine = null;
            try {
                engine = startEngine();
                pacer.scheduleAtFixedRate(() -> {
                    if (tokens.availablePermits() < 2 * PRODUCERS) {
                        tokens.release(RATE_PER_SECOND / 100);
                    }
                }, 10, 10, TimeUnit.MILLISECONDS);
                for (int i = 0; i < PRODUCERS; i++) {
                    producers.add(Thread.ofVirtual().name("producer-" + i).start(() -> {
                        while (producing.get()) {
                            try {
                                if (!tokens.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                                    continue;
                                }
                            } catch (InterruptedException e) {
                                return;
                            }
                            submit("m" + sequence.incrementAndGet());
                        }
                    }));
                }

                for (int k = 1; k <= KILLS; k++) {
                    int before = accepted.size();
                    await("accepted messages before kill " + k).atMost(30, TimeUnit.SECONDS)
                            .pollInterval(Duration.ofMillis(20))
                            .until(() -> accepted.size() >= before + ACCEPTED_PER_RUN);
                    Kill kill = new Kill(k);
                    Map<String, Long> gauges = storeGauges();
                    kill.engineInFlight = gauges.getOrDefault("in_flight", -1L);
                    kill.commitMeanMicros = gauges.getOrDefault("commit_mean_us", -1L);
                    await("deliveries in flight at the worker before kill " + k).atMost(10, TimeUnit.SECONDS)
                            .pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                            .until(() -> !serving.isEmpty());
                    kill.workerInFlight = worker.inFlight();
                    kill.killedAtNanos = System.nanoTime();
                    engine.destroyForcibly();
                    // The worker answers these only after the kill: the dead engine cannot have settled them.
                    kill.servingAtKill = Set.copyOf(serving);
                    assertThat(engine.waitFor(10, TimeUnit.SECONDS)).as("engine died after SIGKILL").isTrue();
                    kill.exitMicros = micros(System.nanoTime() - kill.killedAtNanos);
                    assertThat(engine.exitValue()).as("exit status of a process killed by SIGKILL").isEqualTo(137);
                    engine = startEngine();
                    kill.readyAgainAtNanos = System.nanoTime();
                    kill.requeued = requeuedAtStart(logs.getLast());
                    kills.add(kill);
                }
                producing.set(false);
                for (Thread t : producers) {
                    assertThat(t.join(Duration.ofSeconds(15))).as("producer stopped").isTrue();
                }
                long producedUntil = System.nanoTime();

                await("every accepted message reaches the worker").atMost(60, TimeUnit.SECONDS)
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> seen.containsAll(accepted.keySet()));
                Map<String, JsonNode> status = new ConcurrentHashMap<>();
                Set<String> toConfirm = ConcurrentHashMap.newKeySet();
                toConfirm.addAll(seen);
                await("the engine reports every message delivered").atMost(60, TimeUnit.SECONDS)
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> confirmDelivered(toConfirm, status));
                await("the store holds nothing queued or in flight").atMost(10, TimeUnit.SECONDS)
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> {
                            Map<String, Long> g = storeGauges();
                            return g.getOrDefault("queued", -1L) == 0 && g.getOrDefault("in_flight", -1L) == 0;
                        });
                long settledAt = System.nanoTime();

                verify(List.copyOf(deliveries), status, kills, sequence.get(), began, producedUntil, settledAt);
            } catch (ConditionTimeoutException e) {
                throw new AssertionError(e.getMessage() + "\n" + progress(seen, kills) + "engine log tail:\n" + tail(),
                        e);
            } finally {
                producing.set(false);
                pacer.shutdownNow();
                for (Thread t : producers) {
                    t.interrupt();
                }
                if (engine != null) {
                    engine.destroyForcibly();
                    engine.waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    private void verify(List<Delivery> deliveries, Map<String, JsonNode> status, List<Kill> kills, long submitted,
                        long began, long producedUntil, long settledAt) {
        Map<String, List<Delivery>> byId = new HashMap<>();
        for (Delivery d : deliveries) {
            byId.computeIfAbsent(d.id(), x -> new ArrayList<>()).add(d);
        }
        byId.values().forEach(l -> l.sort(Comparator.comparingLong(Delivery::atNanos)));
        int duplicates = deliveries.size() - byId.size();
        Set<String> unknown = new HashSet<>(byId.keySet());
        unknown.removeAll(accepted.keySet());
        int requeued = kills.stream().mapToInt(k -> k.requeued).sum();
        List<String> attemptNotRaised = new ArrayList<>();
        List<String> attemptWentDown = new ArrayList<>();
        Map<Integer, Integer> deliveriesPerId = new TreeMap<>();
        byId.values().forEach(l -> deliveriesPerId.merge(l.size(), 1, Integer::sum));

        String figures = """
                submitted %d, accepted (202) %d, cut by a kill %d, connection refused %d, refused %s
                worker received %d deliveries of %d distinct ids; ids delivered n times: %s
                duplicate deliveries %d; delivered ids whose 202 was lost %d
                %s
                re-queued in total %d (bound %d = kills x delivery_concurrency)
                load phase %d ms, settling %d ms, whole test %d ms
                """.formatted(submitted, accepted.size(), cut.size(), notConnected.get(), refusedByStatus,
                deliveries.size(), byId.size(), deliveriesPerId, duplicates, unknown.size(),
                kills.stream().map(Kill::toString).collect(Collectors.joining("\n")), requeued,
                KILLS * DELIVERY_CONCURRENCY, millis(producedUntil - began), millis(settledAt - producedUntil),
                millis(System.nanoTime() - began));
        System.out.println("crash test figures:\n" + figures);
        String context = figures + "\nengine log tail:\n" + tail();

        assertThat(oddAnswers).as("202 answers without status queued and an id\n" + context).isEmpty();
        Set<String> missing = new HashSet<>(accepted.keySet());
        missing.removeAll(byId.keySet());
        assertThat(missing).as("accepted messages the worker never received\n" + context).isEmpty();
        for (Kill k : kills) {
            assertThat(k.requeued).as("in-flight messages re-queued after " + k + "\n" + context)
                    .isBetween(0, DELIVERY_CONCURRENCY);
        }
        assertThat(duplicates).as("duplicate deliveries: at most what was in flight at the kills\n" + context)
                .isLessThanOrEqualTo(requeued);
        for (Kill k : kills) {
            List<String> notAgain = k.servingAtKill.stream()
                    .filter(id -> byId.get(id).stream().noneMatch(d -> d.atNanos() > k.killedAtNanos)).toList();
            assertThat(notAgain).as("messages the worker was serving at kill " + k.number
                    + " are delivered again after the restart\n" + context).isEmpty();
        }

        List<String> wrongContent = new ArrayList<>();
        List<String> statusProblems = new ArrayList<>();
        List<String> notAcrossKill = new ArrayList<>();
        for (var e : byId.entrySet()) {
            String id = e.getKey();
            List<Delivery> ds = e.getValue();
            String tag = accepted.get(id);
            for (Delivery d : ds) {
                if (tag != null && !tag.equals(d.tag()) || !Integer.toString(d.attempt()).equals(d.attemptHeader())) {
                    wrongContent.add(id + ": submitted " + tag + ", delivered " + d);
                }
            }
            JsonNode st = status.get(id);
            int lastAttempt = ds.getLast().attempt();
            if (st == null || !"delivered".equals(st.path("status").asText())
                    || st.path("attempts").asInt() != lastAttempt) {
                statusProblems.add(id + " (last delivery's attempt " + lastAttempt + "): " + st);
            }
            for (int i = 1; i < ds.size(); i++) {
                Delivery first = ds.get(i - 1);
                Delivery again = ds.get(i);
                Kill between = kills.stream().filter(k ->
                        first.atNanos() < k.readyAgainAtNanos && again.atNanos() > k.killedAtNanos).findFirst()
                        .orElse(null);
                if (between == null) {
                    notAcrossKill.add(id + ": " + first + " then " + again);
                    continue;
                }
                String seenAs = "%s: attempt %d then %d, first received at kill %d %+d us".formatted(id,
                        first.attempt(), again.attempt(), between.number,
                        micros(first.atNanos() - between.killedAtNanos));
                if (again.attempt() < first.attempt()) {
                    attemptWentDown.add(seenAs);
                } else if (again.attempt() == first.attempt()) {
                    attemptNotRaised.add(seenAs);
                }
            }
        }
        assertThat(wrongContent).as("deliveries whose content or attempt header does not match the message\n"
                + context).isEmpty();
        assertThat(statusProblems).as("GET /v1/messages/{id} after delivery (status delivered, attempts of the "
                + "last delivery)\n" + context).isEmpty();
        assertThat(notAcrossKill).as("a message delivered twice without a kill in between\n" + context).isEmpty();

        Set<String> unknownTags = unknown.stream().map(id -> byId.get(id).getFirst().tag())
                .collect(Collectors.toSet());
        assertThat(cut).as("delivered messages whose 202 was lost must be submissions cut by a kill\n"
                + context).containsAll(unknownTags);
        assertThat(unknown.size()).as("delivered messages never acknowledged: at most one per producer per kill\n"
                + context).isLessThanOrEqualTo(KILLS * PRODUCERS);

        // An attempt is committed to the store before it is sent, so the delivery after a kill always carries a
        // higher attempt number than the one the kill cut short.
        assertThat(attemptWentDown).as("a redelivery never carries a lower attempt than the delivery a kill cut "
                + "short (attempt counts survive restarts)\n" + context).isEmpty();
        assertThat(attemptNotRaised).as("a redelivery carries the next attempt number, not the same one\n" + context)
                .isEmpty();
    }

    /** Where the test stood when a wait timed out: counts, and what the engine says of a few undelivered messages. */
    private String progress(Set<String> seen, List<Kill> kills) {
        StringBuilder out = new StringBuilder("accepted " + accepted.size() + ", received by the worker " + seen.size()
                + "\n");
        kills.forEach(k -> out.append(k).append('\n'));
        accepted.keySet().stream().filter(id -> !seen.contains(id)).limit(5).forEach(id -> {
            out.append("never received: ").append(id).append(' ');
            try {
                HttpResponse<String> r = get("/v1/messages/" + id);
                out.append(r.statusCode()).append(' ').append(r.body());
            } catch (IOException | InterruptedException e) {
                out.append("(status unknown: ").append(e).append(')');
            }
            out.append('\n');
        });
        return out.toString();
    }

    /** Submits one message tagged {@code tag}; records its id when the engine answered 202. */
    private void submit(String tag) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/messages"))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"hello " + tag + "\"}"))
                .build();
        HttpResponse<String> r;
        try {
            r = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            notConnected.incrementAndGet();
            return;
        } catch (IOException e) {
            cut.add(tag);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cut.add(tag);
            return;
        }
        if (r.statusCode() != 202) {
            refusedByStatus.computeIfAbsent(r.statusCode(), c -> new AtomicInteger()).incrementAndGet();
            return;
        }
        try {
            JsonNode body = JSON.readTree(r.body());
            if ("queued".equals(body.path("status").asText()) && body.hasNonNull("id")) {
                accepted.put(body.path("id").asText(), tag);
            } else {
                oddAnswers.add(r.body());
            }
        } catch (IOException e) {
            oddAnswers.add(r.body());
        }
    }

    /** GETs the ids not yet confirmed, a few at a time; true once every one of them is delivered. */
    private boolean confirmDelivered(Set<String> toConfirm, Map<String, JsonNode> status) throws InterruptedException {
        List<String> ids = List.copyOf(toConfirm);
        int lanes = 8;
        List<Thread> threads = new ArrayList<>();
        for (int lane = 0; lane < lanes; lane++) {
            int from = lane;
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = from; i < ids.size(); i += lanes) {
                    String id = ids.get(i);
                    try {
                        HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + port + "/v1/messages/" + id))
                                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200) {
                            JsonNode body = JSON.readTree(r.body());
                            status.put(id, body);
                            if ("delivered".equals(body.path("status").asText())) {
                                toConfirm.remove(id);
                            }
                        }
                    } catch (IOException e) {
                        // asked again at the next poll
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        return toConfirm.isEmpty();
    }

    /** Starts a new engine process on the same port and store; returns once it is ready. */
    private Process startEngine() throws IOException {
        Path log = dir.resolve("engine-" + (logs.size() + 1) + ".log");
        logs.add(log);
        return EngineProcess.start(config, port, log).process();
    }

    private static int requeuedAtStart(Path log) throws IOException {
        Matcher m = REQUEUED.matcher(Files.readString(log));
        assertThat(m.find()).as("store_recovered in " + log).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** The engine's {@code switchboard_store_messages} gauges by status, and its mean commit time so far. */
    private Map<String, Long> storeGauges() throws IOException, InterruptedException {
        HttpResponse<String> r = get("/metrics");
        Map<String, Long> out = new HashMap<>();
        Matcher m = STORE_GAUGE.matcher(r.body());
        while (m.find()) {
            out.put(m.group(1), (long) Double.parseDouble(m.group(2)));
        }
        assertThat(out).as(r.body()).containsKeys("queued", "in_flight");
        Matcher sum = COMMIT_SUM.matcher(r.body());
        Matcher count = COMMIT_COUNT.matcher(r.body());
        if (sum.find() && count.find() && Double.parseDouble(count.group(1)) > 0) {
            double seconds = Double.parseDouble(sum.group(1));
            out.put("commit_mean_us", (long) (seconds * 1e6 / Double.parseDouble(count.group(1))));
        }
        return out;
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String tagOf(String content) {
        return content.startsWith("hello ") ? content.substring("hello ".length()) : content;
    }

    /** The last lines of every engine run's log that are not per-message noise. */
    private String tail() {
        StringBuilder out = new StringBuilder();
        for (Path log : logs) {
            try {
                List<String> lines = Files.readAllLines(log).stream()
                        .filter(l -> !l.contains("message_settled") && !l.contains("event=attempt "))
                        .toList();
                out.append("--- ").append(log.getFileName()).append('\n');
                lines.subList(Math.max(0, lines.size() - 25), lines.size()).forEach(l -> out.append(l).append('\n'));
            } catch (IOException e) {
                out.append("(cannot read ").append(log).append(": ").append(e.getMessage()).append(")\n");
            }
        }
        return out.toString();
    }

    private static long micros(long nanos) {
        return TimeUnit.NANOSECONDS.toMicros(nanos);
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
