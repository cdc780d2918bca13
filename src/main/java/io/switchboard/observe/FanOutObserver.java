package io.switchboard.observe;

import io.switchboard.deliver.DeliveryObserver;
import io.switchboard.deliver.DeliveryResult;
import io.switchboard.deliver.ErrorCategory;
import io.switchboard.deliver.Outcome;
import io.switchboard.dispatch.Worker;
import io.switchboard.message.Message;
import io.switchboard.route.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Consumer;

/** Tells several observers the same events; one that throws is logged and the others still hear everything. */
final class FanOutObserver implements DeliveryObserver {

    private static final Logger LOG = LoggerFactory.getLogger(FanOutObserver.class);

    private final List<DeliveryObserver> observers;

    FanOutObserver(List<DeliveryObserver> observers) {
        this.observers = List.copyOf(observers);
    }

    private void each(Consumer<DeliveryObserver> event) {
        for (DeliveryObserver o : observers) {
            try {
                event.accept(o);
            } catch (RuntimeException e) {
                LOG.warn("delivery observer failed; ignoring", e);
            }
        }
    }

    @Override
    public void attemptFinished(Message message, int attempt, Worker worker, Outcome outcome, long durationNanos) {
        each(o -> o.attemptFinished(message, attempt, worker, outcome, durationNanos));
    }

    @Override
    public void deliveryStarted(Message message, Route route) {
        each(o -> o.deliveryStarted(message, route));
    }

    @Override
    public void workerWaitFinished(Message message, String pool, long waitNanos) {
        each(o -> o.workerWaitFinished(message, pool, waitNanos));
    }

    @Override
    public void fellBack(Message message, String fromPool, String toPool) {
        each(o -> o.fellBack(message, fromPool, toPool));
    }

    @Override
    public void retrying(Message message, int nextAttempt, Worker worker, ErrorCategory cause) {
        each(o -> o.retrying(message, nextAttempt, worker, cause));
    }

    @Override
    public void deliveryFinished(Message message, DeliveryResult result, long totalNanos, long waitingNanos) {
        each(o -> o.deliveryFinished(message, result, totalNanos, waitingNanos));
    }
}
