package io.switchboard.ingress;

/** An ingress that pulls messages from a queue outside the engine (a Redis list or stream) on a thread of its own. */
public interface PullIngress extends AutoCloseable {

    /** Starts taking messages. */
    PullIngress start();

    /** Stops taking messages; one being stored finishes first. */
    @Override
    void close();
}
