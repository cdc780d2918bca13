package io.switchboard.store;

import java.util.List;

/** How a delivery round of a stored message ended, as the store records it (together with its completion events). */
public sealed interface Settlement {

    /** Attempts made so far, in all rounds. */
    int attempts();

    /** Every failed attempt so far, oldest first. */
    List<AttemptError> errors();

    /** The status the message has once this is recorded. */
    default MessageStatus status() {
        return switch (this) {
            case Delivered d -> MessageStatus.DELIVERED;
            case Retry r -> MessageStatus.QUEUED;
            case DeadLettered x -> x.reason() == DeadLetterReason.EXPIRED ? MessageStatus.EXPIRED
                    : MessageStatus.DEAD_LETTERED;
        };
    }

    /** The in-flight message {@code m} as it stands once this settlement is recorded at {@code now}. */
    default StoredMessage applyTo(StoredMessage m, long now) {
        String pool;
        String worker;
        long notBefore = m.notBefore();
        long finishedAt = now;
        byte[] result = null;
        DeadLetterReason reason = null;
        switch (this) {
            case Delivered d -> {
                pool = d.pool();
                worker = d.worker();
                result = d.result();
            }
            case Retry r -> {
                pool = r.pool();
                worker = r.worker();
                notBefore = r.notBefore();
                finishedAt = 0;
            }
            case DeadLettered x -> {
                pool = x.pool();
                worker = x.worker();
                reason = x.reason();
            }
        }
        return new StoredMessage(m.id(), m.requestId(), m.envelope(), m.className(), m.priority(),
                pool == null ? m.pool() : pool, status(), attempts(), m.replays(), m.ttlMs(), m.acceptedAt(),
                finishedAt == 0 ? m.updatedAt() : finishedAt, m.deadlineAt(), notBefore, finishedAt,
                worker == null ? m.worker() : worker, errors(), result, reason, m.idempotencyKey());
    }

    /** A worker answered; {@code result} is its JSON. */
    record Delivered(String pool, String worker, int attempts, byte[] result, List<AttemptError> errors)
            implements Settlement {
    }

    /** Not this time: back to the queue, not to be delivered before {@code notBefore}. */
    record Retry(String pool, String worker, int attempts, long notBefore, List<AttemptError> errors)
            implements Settlement {
    }

    /** Given up: into the dead-letter queue, with the reason. */
    record DeadLettered(DeadLetterReason reason, String pool, String worker, int attempts, List<AttemptError> errors)
            implements Settlement {
    }
}
