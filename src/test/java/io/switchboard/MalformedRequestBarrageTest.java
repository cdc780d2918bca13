package io.switchboard;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.switchboard.testing.Engines;
import io.switchboard.testing.Http;
import io.switchboard.testing.RawHttp;
import io.switchboard.testing.RawHttp.Ending;
import io.switchboard.testing.TestWorker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of malformed requests against every endpoint, many of them only a raw socket can send: bad JSON, wrong
 * types, deep nesting, bodies just under and over {@code server.max_body_bytes}, invalid UTF-8, NUL bytes, CR/LF in
 * header values, absurd and conflicting lengths, chunked bodies that stop, wrong methods, very long targets and
 * headers, and random corruption of valid requests. No answer is a 5xx, the engine still answers and routes
 * afterwards, and nothing is logged at ERROR. {@link BadInputTest} holds the precise answer to each kind of bad body;
 * this holds the engine up under all of them at once.
 */
class MalformedRequestBarrageTest {

    static final int REQUESTS = 3_000;
    static final int CONCURRENCY = 32;
    static final int MAX_BODY = 262_144;
    static final int READ_TIMEOUT_MS = 1_000;
    /** Far beyond the read timeout: a request still unanswered then was left hanging. */
    static final int SOCKET_TIMEOUT_MS = 20_000;

    static final String VALID = "{\"content\":\"hello there\",\"metadata\":{\"tier\":\"fast\"},\"priority\":\"HIGH\","
            + "\"ttl_ms\":30000,\"idempotency_key\":\"k-1\"}";
    static final String[] BODY_PATHS = {"/v1/route", "/v1/classify", "/v1/messages"};
    static final String[][] OTHER_ENDPOINTS = {{"GET", "/v1/messages/m-1"}, {"GET", "/v1/dead-letters"},
            {"GET", "/v1/dead-letters/m-1"}, {"POST", "/v1/dead-letters/m-1/replay"}, {"POST", "/v1/dead-letters/replay"},
            {"DELETE", "/v1/dead-letters/m-1"}, {"DELETE", "/v1/dead-letters"}, {"GET", "/health"}, {"GET", "/ready"},
            {"GET", "/metrics"}, {"GET", "/"}, {"GET", "/v1/stats"}, {"GET", "/v1/health/details"},
            {"GET", "/dashboard/app.js"}};

    @TempDir
    static Path dir;
    static TestWorker worker;
    static Switchboard engine;

    static final Logger ROOT = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    static final ListAppender<ILoggingEvent> ERRORS = new ListAppender<>() {
        @Override
        protected void append(ILoggingEvent event) {
            if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
                super.append(event);
            }
        }
    };

    @BeforeAll
    static void start() {
        ERRORS.start();
        ROOT.addAppender(ERRORS);
        worker = TestWorker.start("w1");
        engine = Engines.start(dir, """
                server: {port: 0, max_body_bytes: %d, read_timeout_ms: %d}
                classes:
                  - {name: chat, keywords: [hello], patterns: ['(?i)\\b(plan|strategy)\\b']}
                  - {name: fetch, fields: {command: fetch, chat: '~@\\w+'}}
                default_class: chat
                pools: {main: {workers: [{id: w1, url: "{{w1}}"}]}}
                routes: [{class: chat, pool: main}, {class: fetch, pool: main}]
                """.formatted(MAX_BODY, READ_TIMEOUT_MS), worker);
    }

    @AfterAll
    static void stop() {
        try {
            engine.close();
            worker.close();
        } finally {
            ROOT.detachAppender(ERRORS);
        }
    }

    /** One malformed request, how the client ends it, and whether going unanswered is acceptable for it. */
    record Case(String name, byte[] bytes, Ending ending, boolean mayGoUnanswered) {
        static Case answered(String name, byte[] bytes) {
            return new Case(name, bytes, Ending.WAIT, false);
        }
    }

    @Test
    void thousandsOfMalformedRequestsGetNo5xxLeaveTheEngineUpAndLogNothingAtError() throws Exception {
        List<Case> cases = cases(new SplittableRandom(0x5EED));
        assertThat(cases).hasSize(REQUESTS);
        int before = ERRORS.list.size();

        var failures = new ConcurrentLinkedQueue<String>();
        var answered = new AtomicInteger();
        var slots = new Semaphore(CONCURRENCY);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Case c : cases) {
                slots.acquire();
                pool.submit(() -> {
                    try {
                        RawHttp.Answer a = RawHttp.exchange(engine.port(), c.bytes(), c.ending(), SOCKET_TIMEOUT_MS);
                        if (a.status() >= 500) {
                            failures.add(c.name() + " -> " + a.head().lines().findFirst().orElse(""));
                        } else if (a.timedOut()) {
                            failures.add(c.name() + " -> left unanswered and open for " + SOCKET_TIMEOUT_MS + " ms: "
                                    + printable(c.bytes()));
                        } else if (a.status() < 0 && !c.mayGoUnanswered()) {
                            failures.add(c.name() + " -> connection closed without an answer");
                        } else if (a.hasHeader("Injected")) {
                            failures.add(c.name() + " -> an injected header came back");
                        }
                        if (a.status() > 0) {
                            answered.incrementAndGet();
                        }
                    } catch (IOException | RuntimeException e) {
                        failures.add(c.name() + " -> " + e + " " + printable(c.bytes()));
                    } finally {
                        slots.release();
                    }
                });
            }
        }

        assertThat(failures).as("answers that were a 5xx, or no answer where one was due").isEmpty();
        assertThat(answered.get()).as("most requests got an answer").isGreaterThan(REQUESTS * 9 / 10);
        assertThat(Http.get(engine.port(), "/health").status()).isEqualTo(200);
        assertThat(Http.get(engine.port(), "/ready").status()).isEqualTo(200);
        assertThat(Http.postJson(engine.port(), "/v1/route", "{\"content\":\"hello\"}").status()).isEqualTo(200);
        assertThat(ERRORS.list.subList(before, ERRORS.list.size())).as("nothing logged at ERROR").isEmpty();
    }

    @Test
    void aTricklingBodyIsCutOffWith408AfterTheReadTimeout() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", engine.port())) {
            socket.getOutputStream().write(("POST /v1/route HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100000\r\n\r\n{\"content\":\"").getBytes(StandardCharsets.US_ASCII));
            // One byte whenever the server has stayed silent for 100 ms: a body that would take 10,000 s to arrive.
            socket.setSoTimeout(100);
            RawHttp.Answer answer = null;
            for (int sent = 0; answer == null && sent < 2_000; sent++) {
                try {
                    int first = socket.getInputStream().read();
                    socket.setSoTimeout(SOCKET_TIMEOUT_MS);
                    answer = first < 0 ? new RawHttp.Answer(-1, "", false)
                            : RawHttp.read(new java.io.SequenceInputStream(
                                    new java.io.ByteArrayInputStream(new byte[] {(byte) first}), socket.getInputStream()));
                } catch (SocketTimeoutException quiet) {
                    socket.getOutputStream().write('a');
                }
            }

            assertThat(answer).as("the engine kept reading a trickling body").isNotNull();
            assertThat(answer.status()).isEqualTo(408);
            assertThat(answer.head()).containsIgnoringCase("Connection: close")
                    .containsIgnoringCase("application/problem+json");
        }
        assertThat(Http.get(engine.port(), "/health").status()).isEqualTo(200);
    }

    /** The hand-written kinds of bad input on every endpoint, then random corruptions of valid requests up to the total. */
    static List<Case> cases(SplittableRandom random) {
        List<Case> out = new ArrayList<>();
        List<byte[]> bodies = badBodies();
        for (String path : BODY_PATHS) {
            for (int i = 0; i < bodies.size(); i++) {
                out.add(Case.answered("body " + i + " to " + path, RawHttp.request("POST", path, json(), bodies.get(i))));
            }
        }
        for (String[] e : OTHER_ENDPOINTS) {
            for (int i = 0; i < bodies.size(); i += 4) {
                out.add(Case.answered("body " + i + " to " + e[0] + " " + e[1], RawHttp.request(e[0], e[1], json(), bodies.get(i))));
            }
            for (String method : new String[] {"PUT", "PATCH", "OPTIONS", "TRACE", "FOO", "get", "X".repeat(300)}) {
                out.add(Case.answered(method + " " + e[1], RawHttp.request(method, e[1], Map.of(), null)));
            }
        }
        out.addAll(protocolCases());
        List<String[]> all = new ArrayList<>(List.of(OTHER_ENDPOINTS));
        for (String path : BODY_PATHS) {
            all.add(new String[] {"POST", path});
        }
        while (out.size() < REQUESTS) {
            String[] e = all.get(random.nextInt(all.size()));
            byte[] body = VALID.getBytes(StandardCharsets.UTF_8);
            if (random.nextBoolean()) {
                out.add(Case.answered("corrupted body to " + e[1], RawHttp.request(e[0], e[1], json(), corrupt(body, random))));
            } else {
                byte[] request = RawHttp.request(e[0], e[1], json(), body);
                int head = request.length - body.length - 4;
                for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                    request[random.nextInt(head)] = (byte) random.nextInt(256);
                }
                out.add(new Case("corrupted head to " + e[1], request, Ending.WAIT, true));
            }
        }
        return out;
    }

    /** The start of a request with its control and non-ASCII bytes escaped, for a failure message. */
    private static String printable(byte[] request) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(request.length, 160); i++) {
            int b = request[i] & 0xFF;
            out.append(b >= 0x20 && b < 0x7F ? String.valueOf((char) b) : String.format("\\x%02x", b));
        }
        return out.toString();
    }

    private static Map<String, String> json() {
        return Map.of("Content-Type", "application/json");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Bodies that are not envelopes, each in its own way. */
    static List<byte[]> badBodies() {
        List<byte[]> b = new ArrayList<>();
        for (String s : new String[] {"", " ", "{", "}", "[]", "null", "true", "42", "\"hello\"", "{\"content\":",
                "{\"content\":\"hi\"", "{\"content\":\"hi\"}}", "{\"content\":\"hi\",}", "{'content':'hi'}",
                "{\"content\":hi}", "{\"content\":\"hi\"} {\"content\":\"again\"}", "{\"content\":\"a\",\"content\":\"b\"}",
                "{\"content\":42}", "{\"content\":[1,2]}", "{\"content\":true}", "{\"content\":null}", "{\"content\":\"\"}",
                "{\"content\":{}}", "{\"content\":\"hi\",\"metadata\":[]}", "{\"content\":\"hi\",\"metadata\":{\"a\":1}}",
                "{\"content\":\"hi\",\"metadata\":{\"a\":{\"b\":\"c\"}}}", "{\"content\":\"hi\",\"priority\":{}}",
                "{\"content\":\"hi\",\"priority\":\"urgent\"}", "{\"content\":\"hi\",\"ttl_ms\":1.5}",
                "{\"content\":\"hi\",\"ttl_ms\":-1}", "{\"content\":\"hi\",\"ttl_ms\":99999999999999999999999}",
                "{\"content\":\"hi\",\"ttl_ms\":\"soon\"}", "{\"content\":\"hi\",\"class\":7}", "{\"content\":\"hi\",\"class\":\"nope\"}",
                "{\"content\":\"hi\",\"idempotency_key\":\"" + "k".repeat(5000) + "\"}", "{\"content\":\"hi\",\"extra\":1}",
                "{\"content\":1e999999}", "{\"content\":\"hi\",\"ttl_ms\":" + "9".repeat(5000) + "}",
                "{\"content\":\"\\uD800\"}", "{\"content\":\"\\u00\"}", "{\"content\":\"\\x41\"}", "/* c */ {\"content\":\"hi\"}",
                "{\"content\":\"a\u0000b\"}", "\u0000", "{\"content\":\"hi\"}\u0000", "{\"content\":\"\\u0000\"}",
                "\uFEFF{\"content\":\"hi\"}", "{\"content\":{\"command\":\"fetch\",\"chat\":\"@" + "a".repeat(2000) + "!\"}}",
                "{\"" + "k".repeat(100_000) + "\":1}", "{\"content\":\"" + "x".repeat(MAX_BODY - 20) + "\"}",
                "{\"content\":\"" + "x".repeat(MAX_BODY) + "\"}"}) {
            b.add(utf8(s));
        }
        b.add(utf8("{\"content\":" + "[".repeat(100_000)));
        b.add(utf8("{\"content\":" + "[".repeat(50_000) + "]".repeat(50_000) + "}"));
        b.add(utf8("{\"content\":" + "{\"a\":".repeat(20_000) + "1" + "}".repeat(20_000) + "}"));
        b.add(utf8("{\"content\":\"hi\",\"metadata\":{" + "\"k\":\"v\",".repeat(10_000) + "\"z\":\"v\"}}"));
        for (byte[] bad : new byte[][] {{(byte) 0xC3, 0x28}, {(byte) 0xFF}, {(byte) 0xC0, (byte) 0xAF},
                {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82}}) {
            b.add(RawHttp.concat(RawHttp.concat(utf8("{\"content\":\"a"), bad), utf8("b\"}")));
            b.add(RawHttp.concat(utf8("{\"content\":\"a\"}"), bad));
        }
        byte[] binary = new byte[4096];
        new SplittableRandom(7).nextBytes(binary);
        b.add(binary);
        return b;
    }

    /** What only a raw socket sends: broken request lines, headers, framing and bodies that stop. */
    static List<Case> protocolCases() {
        List<Case> out = new ArrayList<>();
        byte[] body = utf8(VALID);
        String ok = "POST /v1/route HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n";
        String[] heads = {
                "GARBAGE\r\n\r\n", "GET\r\n\r\n", "GET / HTTP/1.1\r\n\r\n", "GET /health\r\n\r\n", "GET /health HTTP/1.1\r\n\r\n",
                "GET /health HTTP/9.9\r\nHost: x\r\n\r\n", "GET /health HTTP/1.1 extra\r\nHost: x\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost: x\r\nHost: y\r\nConnection: close\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost: [::1\r\nConnection: close\r\n\r\n",
                "GET /he\u0000alth HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "GET /health\rX HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost: x\r\nX-Request-ID: a\rInjected: yes\r\nConnection: close\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost: x\r\nX-Request-ID: a\nInjected: yes\r\nConnection: close\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost: x\r\nX-Request-ID: a\u0000b\r\nConnection: close\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost: x\r\nBad Header: x\r\nConnection: close\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost: x\r\nNoColon\r\nConnection: close\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost: x\r\nX-A: a\r\n folded\r\nConnection: close\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost: x\r\n: empty-name\r\nConnection: close\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost: x\r\nX-Long: " + "v".repeat(20_000) + "\r\nConnection: close\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost: x\r\n" + "X-H: v\r\n".repeat(3_000) + "Connection: close\r\n\r\n",
                "GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "GET /v1/messages/" + "a".repeat(8_000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "GET /v1/dead-letters?" + "q=%ff&".repeat(1_000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "GET http://elsewhere.invalid/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "GET * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost: x\r\nExpect: the-unexpected\r\nConnection: close\r\n\r\n",
                "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\ngarbage-that-is-not-a-frame",
                "GET /health HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\nHTTP2-Settings: !!!\r\nConnection: Upgrade, HTTP2-Settings\r\n\r\n"};
        for (String head : heads) {
            out.add(new Case("raw " + head.lines().findFirst().orElse("").replaceAll("[^ -~]", "?"),
                    head.getBytes(StandardCharsets.ISO_8859_1), Ending.WAIT, head.startsWith("PRI ")));
        }
        for (String target : new String[] {"/v1/messages/%zz", "/v1/messages/%00", "/v1/%2e%2e/health", "//health",
                "/v1/messages/..%2f..%2fetc%2fpasswd", "/health;x=y", "/v1/messages/%F0%9F%98%80", "/%C0%AF",
                "/v1/dead-letters?limit=-1", "/v1/dead-letters?limit=99999999999999", "/v1/dead-letters?limit=%",
                "/v1/dead-letters?cursor=garbage", "/v1/dead-letters?cursor=" + "z".repeat(4000), "/v1/dead-letters?reason=x",
                "/v1/dead-letters?class=%00&pool=%0d%0a", "/v1/dead-letters?limit=1&limit=2", "/v1/dead-letters?=&&=",
                "/v1/messages/m-1?x=1", "/v1/dead-letters/replay?limit=0", "/v1/dead-letters/%2f/replay"}) {
            for (String method : new String[] {"GET", "POST", "DELETE"}) {
                out.add(Case.answered(method + " " + target, RawHttp.request(method, target, Map.of(), null)));
            }
        }
        String[][] framing = {
                {"Content-Length: 99999999999999999999999\r\n", ""}, {"Content-Length: -1\r\n", ""},
                {"Content-Length: abc\r\n", ""}, {"Content-Length: 2\r\nContent-Length: 3\r\n", "{}"},
                {"Content-Length: 1 2\r\n", "{}"}, {"Content-Length: " + (MAX_BODY + 1) + "\r\n", ""},
                {"Content-Length: 9223372036854775807\r\n", ""}, {"Transfer-Encoding: gzip\r\n", ""},
                {"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"},
                {"Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n", "0\r\n\r\n"},
                {"Transfer-Encoding: chunked\r\n", "zz\r\nhello\r\n0\r\n\r\n"},
                {"Transfer-Encoding: chunked\r\n", "ffffffffffffffffff\r\n"},
                {"Transfer-Encoding: chunked\r\n", "5;" + "e".repeat(10_000) + "\r\nhello\r\n0\r\n\r\n"},
                {"Transfer-Encoding: chunked\r\n", "3\r\n{\"c\r\n0\r\n\r\n"},
                {"Transfer-Encoding: chunked\r\n", "2\r\n{}\r\n0\r\nX-Trailer: " + "t".repeat(20_000) + "\r\n\r\n"},
                {"Expect: 100-continue\r\nContent-Length: 2\r\n", "{}"}};
        for (String[] f : framing) {
            out.add(Case.answered("framing " + f[0].lines().findFirst().orElse(""),
                    utf8(ok + f[0] + "\r\n" + f[1])));
        }
        // Bodies that stop: the client either hangs up mid-body or just stops sending (then the read timeout answers).
        for (Ending ending : Ending.values()) {
            boolean hangUp = ending == Ending.HANG_UP;
            for (int i = 0; i < 8; i++) {
                out.add(new Case("declared longer than sent, " + ending, RawHttp.concat(
                        utf8(ok + "Content-Length: " + (body.length + 1 + i * 1000) + "\r\n\r\n"), body), ending, hangUp));
                out.add(new Case("chunked that stops, " + ending, utf8(ok + "Transfer-Encoding: chunked\r\n\r\n"
                        + Integer.toHexString(body.length) + "\r\n" + VALID + "\r\n" + (i % 2 == 0 ? "" : "10\r\n{\"c")),
                        ending, hangUp));
            }
        }
        return out;
    }

    /** A valid body with a few bytes changed, dropped, inserted or cut off. */
    static byte[] corrupt(byte[] body, SplittableRandom random) {
        byte[] out = body.clone();
        switch (random.nextInt(4)) {
            case 0 -> {
                for (int i = 1 + random.nextInt(4); i > 0; i--) {
                    out[random.nextInt(out.length)] = (byte) random.nextInt(256);
                }
            }
            case 1 -> out = java.util.Arrays.copyOf(out, random.nextInt(out.length));
            case 2 -> {
                int at = random.nextInt(out.length);
                byte[] junk = new byte[1 + random.nextInt(16)];
                random.nextBytes(junk);
                out = RawHttp.concat(RawHttp.concat(java.util.Arrays.copyOf(out, at), junk),
                        java.util.Arrays.copyOfRange(out, at, out.length));
            }
            default -> {
                int at = random.nextInt(out.length);
                out = RawHttp.concat(java.util.Arrays.copyOf(out, at), java.util.Arrays.copyOfRange(out,
                        Math.min(out.length, at + 1 + random.nextInt(8)), out.length));
            }
        }
        return out;
    }
}
