package io.switchboard.deliver;

import io.switchboard.dispatch.Worker;
import io.switchboard.message.Message;
import io.switchboard.route.Route;

/**
 * Hears what happens to each message in the delivery chain, for metrics and logs. Must be cheap and must not block;
 * a throwing observer is logged and ignored. Every method but {@link #attemptFinished} does nothing by default.
 */
public interface DeliveryObserver {

    DeliveryObserver NONE = (message, attempt, worker, outcome, nanos) -> { };

    /** One observer telling all of {@code observers} every event; a throwing one never silences the others. */
    static DeliveryObserver all(DeliveryObserver... observers) {
        return new FanOutObserver(java.util.List.of(observers));
    }

    /** One attempt on {@code worker} ended with {@code outcome} after {@code durationNanos}. */
    void attemptFinished(Message message, int attempt, Worker worker, Outcome outcome, long durationNanos);

    /** The message enters delivery along {@code route}. */
    default void deliveryStarted(Message message, Route route) {
    }

    /** The message waited {@code waitNanos} for a worker of {@code pool}, whether or not it got one. */
    default void workerWaitFinished(Message message, String pool, long waitNanos) {
    }

    /** The message leaves its route's primary pool for the fallback pool; at most once per message. */
    default void fellBack(Message message, String fromPool, String toPool) {
    }

    /** Another attempt follows the retryable failure {@code cause} on {@code worker}. */
    default void retrying(Message message, int nextAttempt, Worker worker, ErrorCategory cause) {
    }

    /**
     * Delivery ended.
     *
     * @param totalNanos   from the message's acceptance to now
     * @param waitingNanos the part of it spent waiting on workers: for a free worker, in attempts and in backoff
     */
    default void deliveryFinished(Message message, DeliveryResult result, long totalNanos, long waitingNanos) {
    }
}
