package io.switchboard.demo;

import io.switchboard.time.Ticker;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.URI;
import java.util.Objects;
import java.util.random.RandomGenerator;

/** A {@link SimulatedWorker} served by an embedded Jetty on 127.0.0.1. */
final class JettySimulatedWorker implements SimulatedWorker {

    static final String HOST = "127.0.0.1";

    private final String id;
    private final String model;
    private final Server server;
    private final WorkHandler handler;
    private final int port;

    private JettySimulatedWorker(String id, String model, Server server, WorkHandler handler, int port) {
        this.id = id;
        this.model = model;
        this.server = server;
        this.handler = handler;
        this.port = port;
    }

    static SimulatedWorker start(String id, String model, LatencyProfile latency, int port,
                                 RandomGenerator random, Ticker ticker) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(ticker, "ticker");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        // Answers never block a thread (see WorkHandler), so a small pool serves any number of waiting requests.
        QueuedThreadPool threads = new QueuedThreadPool(32, 2);
        threads.setName("worker-" + id);
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost(HOST);
        connector.setPort(port);
        // A burst of new connections (an engine warming its pool under load) must queue, not be reset.
        connector.setAcceptQueueSize(4096);
        // A held (hung) request writes nothing; the connection must outlive the longest hang.
        connector.setIdleTimeout(WorkHandler.MAX_HANG.plusMinutes(1).toMillis());
        server.addConnector(connector);
        WorkHandler handler = new WorkHandler(id, model, latency, random, ticker);
        server.setHandler(handler);
        try {
            server.start();
        } catch (Exception e) {
            stopQuietly(server);
            if (causedByBind(e)) {
                throw new UncheckedIOException("Port " + port + " on " + HOST + " is already in use, so simulated worker "
                        + id + " cannot start. Stop the process holding it (find it with `lsof -i :" + port
                        + "`; often an earlier demo still running) or run the simulated workers on other ports.",
                        new BindException(e.getMessage()));
            }
            throw new UncheckedIOException(new IOException("simulated worker " + id + " failed to start on port "
                    + port + ": " + e.getMessage(), e));
        }
        return new JettySimulatedWorker(id, model, server, handler, connector.getLocalPort());
    }

    @Override public String id() { return id; }

    @Override public String model() { return model; }

    @Override public int port() { return port; }

    @Override
    public URI url() {
        return URI.create("http://" + HOST + ":" + port + "/work");
    }

    @Override public Faults faults() { return handler.faults(); }

    @Override
    public void faults(Faults faults) {
        handler.faults(Objects.requireNonNull(faults, "faults"));
    }

    @Override public WorkerStats stats() { return handler.stats(); }

    @Override
    public void close() {
        handler.releaseAll();
        stopQuietly(server);
    }

    @Override
    public String toString() {
        return id + " (" + model + ") at " + url();
    }

    private static boolean causedByBind(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception ignored) {
            // Stopping is best effort: the process is shutting the demo down or recovering from a failed start.
        }
    }
}
