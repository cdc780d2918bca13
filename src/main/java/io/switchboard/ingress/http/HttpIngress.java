package io.switchboard.ingress.http;

import io.switchboard.AsyncPipeline;
import io.switchboard.Pipeline;
import io.switchboard.admission.EnvelopeParser;
import io.switchboard.config.ServerConfig;
import io.switchboard.ingress.EngineStatus;
import io.switchboard.ingress.IngressMetrics;
import io.switchboard.ingress.Readiness;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The HTTP listener: Jetty core handlers, each request served on its own virtual thread. */
public final class HttpIngress implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpIngress.class);

    private final Server server;
    private final ServerConnector connector;
    private final ApiHandler handler;
    private final ExecutorService requests;

    /**
     * A listener for {@code pipeline} (synchronous) and {@code async} (stored messages and dead letters): refused
     * requests are counted in {@code metrics} (whose page it serves at /metrics), and {@code status} is served at
     * /v1/health/details, /v1/stats and as the dashboard.
     */
    public HttpIngress(ServerConfig config, Pipeline pipeline, AsyncPipeline async, EnvelopeParser parser,
                       Readiness readiness, IngressMetrics metrics, EngineStatus status) {
        QueuedThreadPool threads = new QueuedThreadPool(Math.max(8, Runtime.getRuntime().availableProcessors() * 4));
        threads.setName("http");
        this.server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(false);
        http.setRequestHeaderSize(16 * 1024);
        // HTTP/1.1 plus cleartext HTTP/2 (prior knowledge or Upgrade: h2c) on the same port, so a client can keep
        // thousands of requests in flight over a few connections.
        HTTP2CServerConnectionFactory h2c = new HTTP2CServerConnectionFactory(http);
        h2c.setMaxConcurrentStreams(1024);
        this.connector = new ServerConnector(server, new HttpConnectionFactory(http), h2c);
        connector.setHost(config.host());
        connector.setPort(config.port());
        connector.setIdleTimeout(60_000);
        connector.setAcceptQueueSize(1024);
        server.addConnector(connector);
        this.requests = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("request-", 0).factory());
        this.handler = new ApiHandler(pipeline, new EnvelopeReader(parser, config.maxBodyBytes(), config.readTimeoutMs()),
                new MessageRoutes(async), readiness, config.maxInFlight(), requests, metrics, new DashboardRoutes(status));
        server.setHandler(handler);
        server.setErrorHandler(new ProblemErrorHandler());
        server.setStopTimeout(0);
    }

    public void start() throws Exception {
        server.start();
        LOG.atInfo().addKeyValue("event", "listener_started").addKeyValue("host", connector.getHost())
                .addKeyValue("port", connector.getLocalPort()).log("listening");
    }

    /** The bound port (useful when configured as 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** Requests being served now. */
    public int inFlight() {
        return handler.inFlight();
    }

    /** Refuses new requests with 503 from now on; health and readiness still answer. */
    public void startDraining() {
        handler.startDraining();
    }

    /** Waits until no request is in flight or the timeout passes; true when drained. */
    public boolean awaitDrained(Duration timeout) throws InterruptedException {
        return handler.awaitIdle(timeout);
    }

    @Override
    public void close() throws Exception {
        server.stop();
        requests.shutdownNow();
    }
}
