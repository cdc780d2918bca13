package io.switchboard.complete;

import io.switchboard.deliver.Backoff;
import io.switchboard.deliver.DeliveryResult;
import io.switchboard.deliver.ErrorCategory;
import io.switchboard.store.AttemptError;
import io.switchboard.store.DeadLetterReason;
import io.switchboard.store.Settlement;
import io.switchboard.store.StoredMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Decides what becomes of a stored message after a delivery round: delivered, back to the queue after a backoff, or
 * into the dead-letter queue with the reason. A pure function of the round's result, the message and the time.
 */
public final class SettlementPolicy {

    /** The newest errors a message keeps; older ones are dropped first. */
    static final int MAX_ERRORS = 100;

    private final int maxAttempts;
    private final Backoff backoff;
    private final RandomGenerator random;

    public SettlementPolicy(int maxAttempts, Backoff backoff, RandomGenerator random) {
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
        this.random = random;
    }

    /** Whether {@code m} may not be sent again at all, before any round: its attempts are used up. */
    public Settlement beforeRound(StoredMessage m, long nowMillis) {
        if (m.envelope() == null) {
            return new Settlement.DeadLettered(DeadLetterReason.REJECTED, m.pool(), m.worker(), m.attempts(),
                    with(m.errors(), new AttemptError(m.attempts(), m.pool(), null, "rejected",
                            "the stored envelope could not be read", nowMillis)));
        }
        if (m.isExpired(nowMillis)) {
            return new Settlement.DeadLettered(DeadLetterReason.EXPIRED, m.pool(), m.worker(), m.attempts(), m.errors());
        }
        if (m.attempts() >= maxAttempts) {
            return new Settlement.DeadLettered(DeadLetterReason.MAX_ATTEMPTS, m.pool(), m.worker(), m.attempts(),
                    m.errors());
        }
        return null;
    }

    /** How the round that ended with {@code result} settles {@code m}. */
    public Settlement after(StoredMessage m, DeliveryResult result, long nowMillis) {
        List<AttemptError> errors = new ArrayList<>(m.errors());
        for (DeliveryResult.AttemptFailure f : result.failures()) {
            errors.add(new AttemptError(f.attempt(), f.pool(), f.worker(), f.category().label(), f.detail(), nowMillis));
        }
        return switch (result) {
            case DeliveryResult.Success s -> new Settlement.Delivered(s.pool(), s.worker(), s.attempts(), s.body(),
                    trim(errors));
            case DeliveryResult.Failure f -> failed(m, f, errors, nowMillis);
        };
    }

    private Settlement failed(StoredMessage m, DeliveryResult.Failure f, List<AttemptError> errors, long now) {
        boolean reachedWorker = f.attempts() > m.attempts();
        if (!reachedWorker || f.failures().isEmpty()) {
            // The round ended before (another) attempt: no worker, a full queue, the round's time, shutdown.
            AttemptError last = errors.isEmpty() ? null : errors.get(errors.size() - 1);
            if (last == null || !last.category().equals(f.category().label()) || last.worker() != null) {
                errors.add(new AttemptError(f.attempts(), f.pool(), null, f.category().label(), f.detail(), now));
            }
        }
        List<AttemptError> kept = trim(errors);
        String pool = f.pool();
        String worker = f.worker();
        if (f.category() == ErrorCategory.HTTP_4XX) {
            return new Settlement.DeadLettered(DeadLetterReason.FATAL_4XX, pool, worker, f.attempts(), kept);
        }
        if (f.category() == ErrorCategory.INVALID_RESPONSE) {
            return new Settlement.DeadLettered(DeadLetterReason.REJECTED, pool, worker, f.attempts(), kept);
        }
        if (m.isExpired(now)) {
            return new Settlement.DeadLettered(DeadLetterReason.EXPIRED, pool, worker, f.attempts(), kept);
        }
        if (f.attempts() >= maxAttempts) {
            return new Settlement.DeadLettered(DeadLetterReason.MAX_ATTEMPTS, pool, worker, f.attempts(), kept);
        }
        long delay = f.category() == ErrorCategory.SHUTDOWN ? 0
                : TimeUnit.NANOSECONDS.toMillis(backoff.delayNanos(f.attempts() + 1, random));
        return new Settlement.Retry(pool, worker, f.attempts(), Math.min(now + delay, m.deadlineAt()), kept);
    }

    private static List<AttemptError> with(List<AttemptError> errors, AttemptError e) {
        List<AttemptError> out = new ArrayList<>(errors);
        out.add(e);
        return trim(out);
    }

    private static List<AttemptError> trim(List<AttemptError> errors) {
        return errors.size() <= MAX_ERRORS ? errors : List.copyOf(errors.subList(errors.size() - MAX_ERRORS, errors.size()));
    }
}
