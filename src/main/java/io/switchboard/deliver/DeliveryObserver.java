package io.switchboard.deliver;

import io.switchboard.dispatch.Worker;
import io.switchboard.message.Message;

/** Hears about each attempt, for metrics and logs. Must be cheap; a throwing observer is logged and ignored. */
public interface DeliveryObserver {

    DeliveryObserver NONE = (message, attempt, worker, outcome, nanos) -> { };

    void attemptFinished(Message message, int attempt, Worker worker, Outcome outcome, long durationNanos);
}
