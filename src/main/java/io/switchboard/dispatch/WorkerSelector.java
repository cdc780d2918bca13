package io.switchboard.dispatch;

import java.util.List;
import java.util.function.LongSupplier;
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
}
