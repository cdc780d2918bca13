package io.switchboard.deliver;

import io.switchboard.dispatch.Worker;
import io.switchboard.message.Message;
import io.switchboard.route.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Shields the delivery chain from its observer: whatever the observer throws is logged and never breaks routing. */
final class GuardedObserver implements DeliveryObserver {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryChain.class);

    private final DeliveryObserver delegate;

    private GuardedObserver(DeliveryObserver delegate) {
        this.delegate = delegate;
    }

    static DeliveryObserver of(DeliveryObserver observer) {
        return observer == NONE || observer instanceof GuardedObserver ? observer : new GuardedObserver(observer);
    }

    private static void failed(RuntimeException e) {
        LOG.warn("delivery observer failed; ignoring", e);
    }

    @Override
    public void attemptFinished(Message message, int attempt, Worker worker, Outcome outcome, long durationNanos) {
        try {
            delegate.attemptFinished(message, attempt, worker, outcome, durationNanos);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void deliveryStarted(Message message, Route route) {
        try {
            delegate.deliveryStarted(message, route);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void workerWaitFinished(Message message, String pool, long waitNanos) {
        try {
            delegate.workerWaitFinished(message, pool, waitNanos);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void fellBack(Message message, String fromPool, String toPool) {
        try {
            delegate.fellBack(message, fromPool, toPool);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void retrying(Message message, int nextAttempt, Worker worker, ErrorCategory cause) {
        try {
            delegate.retrying(message, nextAttempt, worker, cause);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void deliveryFinished(Message message, DeliveryResult result, long totalNanos, long waitingNanos) {
        try {
            delegate.deliveryFinished(message, result, totalNanos, waitingNanos);
        } catch (RuntimeException e) {
            failed(e);
        }
    }
}
