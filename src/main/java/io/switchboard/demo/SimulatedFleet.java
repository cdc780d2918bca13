package io.switchboard.demo;

import io.switchboard.time.Ticker;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The demo's worker fleet: {@code opus-1}, a strategic worker on base+1 (9101), and {@code sonnet-1..4},
 * tactical workers on base+101..base+104 (9201..9204), all on 127.0.0.1.
 */
public final class SimulatedFleet implements AutoCloseable {

    /** The base port of the demo layout: opus-1 on 9101, sonnet-1..4 on 9201..9204. */
    public static final int DEFAULT_BASE_PORT = 9100;
    /** Base port 0 puts every worker on its own ephemeral port, for tests. */
    public static final int EPHEMERAL = 0;
    public static final int TACTICAL_WORKERS = 4;

    private final List<SimulatedWorker> workers;

    private SimulatedFleet(List<SimulatedWorker> workers) {
        this.workers = List.copyOf(workers);
    }

    /** Starts the fleet on the demo ports with realistic latencies. */
    public static SimulatedFleet start() {
        return start(DEFAULT_BASE_PORT);
    }

    /** Starts the fleet laid out from {@code basePort} (0: every worker on an ephemeral port). */
    public static SimulatedFleet start(int basePort) {
        return start(basePort, LatencyProfile.strategic(), LatencyProfile.tactical(), new SplittableRandom(),
                Ticker.system());
    }

    /**
     * Starts the fleet with the given latencies; each worker gets its own generator seeded from {@code seeds}.
     *
     * @throws java.io.UncheckedIOException when a port is taken; the message names the port, and no worker is left running
     */
    public static SimulatedFleet start(int basePort, LatencyProfile strategic, LatencyProfile tactical,
                                       RandomGenerator seeds, Ticker ticker) {
        Objects.requireNonNull(strategic, "strategic");
        Objects.requireNonNull(tactical, "tactical");
        if (basePort != EPHEMERAL && (basePort < 1 || basePort + 100 + TACTICAL_WORKERS > 65_535)) {
            throw new IllegalArgumentException("base port must be 0 (ephemeral) or leave room for base+"
                    + (100 + TACTICAL_WORKERS) + " below 65536, got " + basePort);
        }
        List<SimulatedWorker> started = new ArrayList<>();
        try {
            started.add(SimulatedWorker.start("opus-1", "opus", strategic, port(basePort, 1),
                    new SplittableRandom(seeds.nextLong()), ticker));
            for (int i = 1; i <= TACTICAL_WORKERS; i++) {
                started.add(SimulatedWorker.start("sonnet-" + i, "sonnet", tactical, port(basePort, 100 + i),
                        new SplittableRandom(seeds.nextLong()), ticker));
            }
        } catch (RuntimeException e) {
            started.forEach(SimulatedWorker::close);
            throw e;
        }
        return new SimulatedFleet(started);
    }

    /** Every worker, strategic first. */
    public List<SimulatedWorker> workers() {
        return workers;
    }

    /** The strategic worker(s): {@code opus-1}. */
    public List<SimulatedWorker> strategic() {
        return workers.subList(0, 1);
    }

    /** The tactical workers: {@code sonnet-1..4}. */
    public List<SimulatedWorker> tactical() {
        return workers.subList(1, workers.size());
    }

    /** The worker with this id, if the fleet has one. */
    public Optional<SimulatedWorker> worker(String id) {
        return workers.stream().filter(w -> w.id().equals(id)).findFirst();
    }

    /** Stops every worker. */
    @Override
    public void close() {
        workers.forEach(SimulatedWorker::close);
    }

    @Override
    public String toString() {
        return "SimulatedFleet" + workers;
    }

    private static int port(int basePort, int offset) {
        return basePort == EPHEMERAL ? 0 : basePort + offset;
    }
}
