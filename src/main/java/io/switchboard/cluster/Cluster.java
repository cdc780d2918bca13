package io.switchboard.cluster;

/**
 * What the engine instances sharing one Redis keep in step: circuit openings, and each worker's share of its
 * {@code max_concurrency} among the live instances.
 */
public interface Cluster extends AutoCloseable {

    /** A single instance: nothing is shared, every worker keeps its whole {@code max_concurrency}. */
    Cluster LOCAL = new Cluster() {
        @Override
        public void start() {
        }

        @Override
        public int instances() {
            return 1;
        }

        @Override
        public void close() {
        }

        @Override
        public String toString() {
            return "local";
        }
    };

    /** Starts sharing; returns at once, without waiting for Redis. */
    void start();

    /** Engine instances live now, this one included: at least 1. */
    int instances();

    /** Stops sharing and leaves the fleet, so the others take this instance's share. */
    @Override
    void close();
}
