package io.switchboard.demo;

import io.switchboard.time.Ticker;

import java.net.URI;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * A simulated LLM worker: a real HTTP server on 127.0.0.1 that answers {@code POST /work} like a model
 * would, after a realistic latency, with faults that can be injected while it runs.
 *
 * <p>Endpoints: {@code POST /work}; {@code GET|POST|DELETE /fault} to show, change or reset the faults;
 * {@code GET /health}; {@code GET /stats}.
 */
public interface SimulatedWorker extends AutoCloseable {

    /**
     * Starts a worker with a fresh random seed and the system clock.
     *
     * @param port the port to bind on 127.0.0.1, or 0 for an ephemeral one
     * @throws java.io.UncheckedIOException when the port is taken, with a message naming it and what to do
     */
    static SimulatedWorker start(String id, String model, LatencyProfile latency, int port) {
        return start(id, model, latency, port, new SplittableRandom(), Ticker.system());
    }

    /**
     * Starts a worker whose latency draws and error draws come from {@code random}, read under a lock
     * so any generator, thread-safe or not, can be passed.
     */
    static SimulatedWorker start(String id, String model, LatencyProfile latency, int port,
                                 RandomGenerator random, Ticker ticker) {
        return JettySimulatedWorker.start(id, model, latency, port, random, ticker);
    }

    /** The worker's id, e.g. {@code sonnet-2}. */
    String id();

    /** The model it pretends to be, e.g. {@code sonnet}. */
    String model();

    /** The port it is bound to on 127.0.0.1. */
    int port();

    /** The URL the engine POSTs work to: {@code http://127.0.0.1:<port>/work}. */
    URI url();

    /** The faults in force now. */
    Faults faults();

    /** Replaces the faults; turning hang off releases every held request to be answered normally. */
    void faults(Faults faults);

    /** What it has done so far. */
    WorkerStats stats();

    /** Stops the server; requests still held or waiting are answered 503 first. */
    @Override
    void close();
}
