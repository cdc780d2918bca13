package io.switchboard.dispatch;

/** Hears how long picking a worker took when a message arrived at a pool. Must be cheap; a throwing one is ignored. */
@FunctionalInterface
public interface SelectionObserver {

    SelectionObserver NONE = (pool, nanos) -> { };

    /** A selection for an arriving message in {@code pool} took {@code nanos}, whether or not it found a worker. */
    void selected(String pool, long nanos);
}
