package io.switchboard.deliver;

import io.switchboard.dispatch.Worker;
import io.switchboard.message.Message;
import io.switchboard.route.Route;

import java.util.List;

/**
 * Tells several observers the same events. Each is wrapped in a {@link GuardedObserver}, so one that throws is
 * logged and the others still hear everything; plain loops keep the hot path free of per-event allocation.
 */
final class FanOutObserver implements DeliveryObserver {

    private final DeliveryObserver[] observers;

    FanOutObserver(List<DeliveryObserver> observers) {
        this.observers = observers.stream().map(GuardedObserver::of).toArray(DeliveryObserver[]::new);
    }

    @Override
    public void attemptFinished(Message message, int attempt, Worker worker, Outcome outcome, long durationNanos) {
        for (DeliveryObserver o : observers) {
            o.attemptFinished(message, attempt, worker, outcome, durationNanos);
        }
    }

    @Override
    public void deliveryStarted(Message message, Route route) {
        for (DeliveryObserver o : observers) {
            o.deliveryStarted(message, route);
        }
    }

    @Override
    public void workerWaitFinished(Message message, String pool, long waitNanos) {
        for (DeliveryObserver o : observers) {
            o.workerWaitFinished(message, pool, waitNanos);
        }
    }

    @Override
    public void fellBack(Message message, String fromPool, String toPool) {
        for (DeliveryObserver o : observers) {
            o.fellBack(message, fromPool, toPool);
        }
    }

    @Override
    public void retrying(Message message, int nextAttempt, Worker worker, ErrorCategory cause) {
        for (DeliveryObserver o : observers) {
            o.retrying(message, nextAttempt, worker, cause);
        }
    }

    @Override
    public void deliveryFinished(Message message, DeliveryResult result, long totalNanos, long waitingNanos) {
        for (DeliveryObserver o : observers) {
            o.deliveryFinished(message, result, totalNanos, waitingNanos);
        }
    }
}
