package io.switchboard.deliver;

import io.switchboard.dispatch.Worker;

import java.time.Duration;

/**
 * Sends one attempt to one worker and waits for its answer. Called on a virtual thread; blocking is expected.
 * Never throws for worker failures: every way a worker can fail is an {@link Outcome}.
 */
public interface WorkerTransport extends AutoCloseable {

    Outcome send(Worker worker, AttemptRequest request, Duration timeout);

    @Override
    default void close() {
    }
}
