package io.switchboard.dispatch;

import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Picks a worker for a message. Every strategy returns only workers that {@link SelectionContext#admits} (circuit
 * admits calls, below its concurrency limit, not avoided), and null when there is none. Implementations are
 * thread-safe and lock-free; the worker list is an immutable snapshot that a selector is built for.
 */
public interface WorkerSelector {

    Worker select(SelectionContext context);

    /** The workers this selector picks among. */
    List<Worker> workers();

    /** Takes the workers in turn, skipping those that are not admitted. */
    static WorkerSelector roundRobin(List<Worker> workers) {
        return new RoundRobinSelector(workers);
    }

    /** Takes the workers in turn in proportion to {@link Worker#weight()}, interleaved rather than in bursts. */
    static WorkerSelector weightedRoundRobin(List<Worker> workers) {
        return new WeightedRoundRobinSelector(workers);
    }

    /** Picks the lowest in-flight share of the concurrency limit; equally loaded workers take turns. */
    static WorkerSelector leastLoaded(List<Worker> workers) {
        return new LeastLoadedSelector(workers);
    }

    /** Compares two random workers by expected wait, {@code (inFlight + 1) * latency}, and picks the cheaper. */
    static WorkerSelector powerOfTwo(List<Worker> workers, RandomGenerator random) {
        return new PowerOfTwoSelector(workers, random);
    }

    /** Picks the lowest {@code (inFlight + 1) * latency} of all workers, probing unmeasured ones first. */
    static WorkerSelector latencyAware(List<Worker> workers) {
        return new LatencyAwareSelector(workers);
    }

    /**
     * Keeps messages with the same {@link SelectionContext#affinityKey()} on the same worker (a hash ring with
     * virtual nodes in proportion to weight); round-robin for messages without a key.
     */
    static WorkerSelector consistentHash(List<Worker> workers) {
        return new ConsistentHashSelector(workers);
    }

    /** The selector for a configured strategy name, e.g. {@code least-loaded}. */
    static WorkerSelector forStrategy(String name, List<Worker> workers, RandomGenerator random) {
        Objects.requireNonNull(name, "strategy name");
        return switch (name) {
            case "round-robin" -> roundRobin(workers);
            case "weighted-round-robin" -> weightedRoundRobin(workers);
            case "least-loaded" -> leastLoaded(workers);
            case "power-of-two" -> powerOfTwo(workers, random);
            case "latency-aware" -> latencyAware(workers);
            case "consistent-hash" -> consistentHash(workers);
            default -> throw new IllegalArgumentException("unknown selection strategy '" + name + "'; one of "
                    + "round-robin, weighted-round-robin, least-loaded, power-of-two, latency-aware, consistent-hash");
        };
    }
}
