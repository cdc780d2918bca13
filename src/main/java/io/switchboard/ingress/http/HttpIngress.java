package io.switchboard.ingress.http;

import io.switchboard.AsyncPipeline;
import io.switchboard.ConfigReload;
import io.switchboard.Pipeline;
import io.switchboard.Rulebook;
import io.switchboard.admission.EnvelopeParser;
import io.switchboard.config.ServerConfig;
import io.switchboard.config.ServerTlsConfig;
import io.switchboard.dispatch.PoolDispatcher;
import io.switchboard.ingress.EngineStatus;
import io.switchboard.ingress.IngressMetrics;
import io.switchboard.ingress.Readiness;
import io.switchboard.tls.KeyStores;
import io.switchboard.time.Ticker;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The HTTP (or HTTPS) listener: Jetty core handlers, each request served on its own virtual thread. */
public final class HttpIngress implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpIngress.class);

    private final Server server;
    private final ServerConnector connector;
    private final boolean tls;
    /** The admin listener, or null when the admin endpoints are served on the main one. */
    private final ServerConnector admin;
    private final ApiHandler handler;
    private final ExecutorService requests;

    /**
     * A listener for {@code pipeline} (synchronous) and {@code async} (stored messages and dead letters): refused
     * requests are counted in {@code metrics} (whose page it serves at /metrics), and {@code status} is served at
     * /v1/health/details, /v1/stats and as the dashboard. Callers show the API keys of {@code rules} and are held to
     * its rate limits; {@code reload} serves {@code POST /v1/admin/reload}; with {@code server.admin_port} a second
     * listener serves the admin endpoints.
     */
    public HttpIngress(ServerConfig config, Rulebook rules, ConfigReload reload, Pipeline pipeline, AsyncPipeline async,
                       Map<String, PoolDispatcher> pools, Readiness readiness,
                       IngressMetrics metrics, EngineStatus status, Ticker ticker) {
        QueuedThreadPool threads = new QueuedThreadPool(Math.max(8, Runtime.getRuntime().availableProcessors() * 4));
        threads.setName("http");
        this.server = new Server(threads);
        this.tls = config.tls() != null;
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(false);
        http.setRequestHeaderSize(16 * 1024);
        this.connector = config.tls() == null ? cleartext(server, http) : secure(server, http, config.tls());
        connector.setHost(config.host());
        connector.setPort(config.port());
        connector.setIdleTimeout(60_000);
        connector.setAcceptQueueSize(1024);
        server.addConnector(connector);
        if (config.adminPort() != null) {
            this.admin = new ServerConnector(server, new HttpConnectionFactory(http), new HTTP2CServerConnectionFactory(http));
            admin.setHost(config.adminHost());
            admin.setPort(config.adminPort());
            admin.setIdleTimeout(60_000);
            admin.setName("admin");
            server.addConnector(admin);
        } else {
            this.admin = null;
        }
        this.requests = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("request-", 0).factory());
        this.handler = new ApiHandler(pipeline, new EnvelopeReader(new EnvelopeParser(), config.maxBodyBytes(),
                config.readTimeoutMs()),
                new MessageRoutes(async), new AdminRoutes(pools, reload, rules), readiness, config.maxInFlight(), requests,
                metrics, new DashboardRoutes(status), new AccessControl(rules, metrics, admin), Cors.of(config.cors()),
                ticker);
        server.setHandler(handler);
        server.setErrorHandler(new ProblemErrorHandler());
        server.setStopTimeout(0);
    }

    /**
     * HTTP/1.1 plus cleartext HTTP/2 (prior knowledge or Upgrade: h2c) on the same port, so a client can keep
     * thousands of requests in flight over a few connections.
     */
    private static ServerConnector cleartext(Server server, HttpConfiguration http) {
        HTTP2CServerConnectionFactory h2c = new HTTP2CServerConnectionFactory(http);
        h2c.setMaxConcurrentStreams(1024);
        return new ServerConnector(server, new HttpConnectionFactory(http), h2c);
    }

    /** HTTP/1.1 over TLS with the configured certificate (HTTP/2 over TLS would need ALPN, which is not set up). */
    private static ServerConnector secure(Server server, HttpConfiguration http, ServerTlsConfig tls) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(tls.keyStore());
        ssl.setKeyStorePassword(KeyStores.PASSWORD);
        HttpConfiguration https = new HttpConfiguration(http);
        https.addCustomizer(new SecureRequestCustomizer());
        return new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
    }

    public void start() throws Exception {
        server.start();
        LOG.atInfo().addKeyValue("event", "listener_started").addKeyValue("host", connector.getHost())
                .addKeyValue("port", connector.getLocalPort()).addKeyValue("tls", tls)
                .log(tls ? "listening (https)" : "listening");
        if (admin != null) {
            LOG.atInfo().addKeyValue("event", "listener_started").addKeyValue("listener", "admin")
                    .addKeyValue("host", admin.getHost()).addKeyValue("port", admin.getLocalPort())
                    .log("admin endpoints listening on {}:{}", admin.getHost(), admin.getLocalPort());
        }
    }

    /** The bound port (useful when configured as 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** The bound port of the admin listener, or -1 when there is none. */
    public int adminPort() {
        return admin == null ? -1 : admin.getLocalPort();
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
