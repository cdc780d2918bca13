package io.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.tls.KeyStores;
import io.switchboard.tls.PemException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A real HTTP worker on an ephemeral loopback port whose answers a test scripts, recording what it received.
 * Requests are served on virtual threads so a behaviour may block (e.g. on a latch) to hold a request in flight.
 * It may serve HTTPS with a test certificate, and require a client certificate.
 */
public final class TestWorker implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the worker received. */
    public record Received(JsonNode body, Map<String, String> headers) {
        public String header(String name) {
            return headers.get(name.toLowerCase());
        }
    }

    /** What the worker answers. */
    public record Reply(int status, String body, Map<String, String> headers) {
        public static Reply ok(String json) {
            return new Reply(200, json, Map.of());
        }

        public static Reply status(int status) {
            return new Reply(status, "{\"error\":\"scripted " + status + "\"}", Map.of());
        }
    }

    private final String id;
    private final String scheme;
    private final Server server;
    private final ServerConnector connector;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private volatile Function<Received, Reply> behaviour;
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private volatile java.util.function.Consumer<Received> onReceive = r -> { };
    private volatile int minLatencyMillis;
    private volatile int maxLatencyMillis;
    /** Completes the answers of a worker with latency when their time comes (a timer, not a sleeping thread). */
    private final java.util.concurrent.ScheduledExecutorService timer =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().factory());

    private TestWorker(String id, TestCerts.Identity tls, Path clientCa) {
        this.id = id;
        this.scheme = tls == null ? "http" : "https";
        this.behaviour = r -> Reply.ok("{\"worker\":\"" + id + "\",\"echo\":" + r.body().path("content") + "}");
        QueuedThreadPool threads = new QueuedThreadPool(16);
        threads.setName("test-worker-" + id);
        threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server = new Server(threads);
        connector = tls == null ? new ServerConnector(server)
                : new ServerConnector(server, new SslConnectionFactory(ssl(tls, clientCa), "http/1.1"),
                        new HttpConnectionFactory());
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                serve(request, response, callback);
                return true;
            }
        });
    }

    /** Starts a worker that answers 200 with {@code {"worker": id, "echo": content}}. */
    public static TestWorker start(String id) {
        return start(new TestWorker(id, null, null));
    }

    /**
     * Starts the same worker serving HTTPS with {@code identity}; with {@code clientCa} it only talks to clients
     * presenting a certificate that CA issued.
     */
    public static TestWorker startTls(String id, TestCerts.Identity identity, Path clientCa) {
        return start(new TestWorker(id, identity, clientCa));
    }

    private static TestWorker start(TestWorker w) {
        try {
            w.server.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return w;
    }

    private static SslContextFactory.Server ssl(TestCerts.Identity identity, Path clientCa) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        try {
            ssl.setKeyStore(KeyStores.identity(identity.cert(), identity.key(), null));
            ssl.setKeyStorePassword(KeyStores.PASSWORD);
            if (clientCa != null) {
                ssl.setTrustStore(KeyStores.trust(clientCa, false));
                ssl.setNeedClientAuth(true);
            }
        } catch (PemException e) {
            throw new IllegalStateException(e);
        }
        return ssl;
    }

    private void serve(Request request, Response response, Callback callback) throws IOException, InterruptedException {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try {
            String text = new String(Request.asInputStream(request).readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = new java.util.HashMap<>();
            request.getHeaders().forEach(f -> headers.put(f.getLowerCaseName(), f.getValue()));
            Received r = new Received(JSON.readTree(text), headers);
            received.add(r);
            onReceive.accept(r);
            gate.await(30, TimeUnit.SECONDS);
            awaitLatency();
            Reply reply = behaviour.apply(r);
            response.setStatus(reply.status());
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            reply.headers().forEach((k, v) -> response.getHeaders().put(k, v));
            response.write(true, ByteBuffer.wrap(reply.body().getBytes(StandardCharsets.UTF_8)), callback);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    public String id() {
        return id;
    }

    public URI url() {
        return URI.create(scheme + "://127.0.0.1:" + connector.getLocalPort() + "/work");
    }

    /** Replaces how the worker answers from now on. */
    public TestWorker answer(Function<Received, Reply> behaviour) {
        this.behaviour = behaviour;
        return this;
    }

    /**
     * Answers every request after a latency drawn uniformly from [{@code minMillis}, {@code maxMillis}], like a real
     * worker doing work; the behaviour runs once the latency has passed.
     */
    public TestWorker latency(int minMillis, int maxMillis) {
        this.minLatencyMillis = minMillis;
        this.maxLatencyMillis = maxMillis;
        return this;
    }

    private void awaitLatency() throws InterruptedException {
        int max = maxLatencyMillis;
        if (max <= 0) {
            return;
        }
        long delay = java.util.concurrent.ThreadLocalRandom.current().nextLong(minLatencyMillis, max + 1L);
        var due = new CountDownLatch(1);
        timer.schedule(due::countDown, delay, TimeUnit.MILLISECONDS);
        due.await(30, TimeUnit.SECONDS);
    }

    /** Tells {@code listener} of each request as it arrives, before any hold or latency. */
    public TestWorker onReceive(java.util.function.Consumer<Received> listener) {
        this.onReceive = listener;
        return this;
    }

    /** Makes every request wait until {@link #open()}; returns this for chaining. */
    public TestWorker hold() {
        gate = new CountDownLatch(1);
        return this;
    }

    /** Releases held requests and stops holding new ones. */
    public void open() {
        gate.countDown();
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public int count() {
        return received.size();
    }

    /** Requests being answered right now. */
    public int inFlight() {
        return inFlight.get();
    }

    public int maxInFlight() {
        return maxInFlight.get();
    }

    /** Stops listening: later connections are refused, like a crashed worker. */
    @Override
    public void close() {
        open();
        timer.shutdownNow();
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
