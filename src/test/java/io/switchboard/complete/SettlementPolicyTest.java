package io.switchboard.complete;

import io.switchboard.config.BackoffConfig;
import io.switchboard.deliver.Backoff;
import io.switchboard.deliver.DeliveryResult;
import io.switchboard.deliver.ErrorCategory;
import io.switchboard.message.Envelope;
import io.switchboard.message.Priority;
import io.switchboard.store.AttemptError;
import io.switchboard.store.DeadLetterReason;
import io.switchboard.store.MessageStatus;
import io.switchboard.store.Settlement;
import io.switchboard.store.StoredMessage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** What becomes of a stored message after a delivery round: a pure decision. */
class SettlementPolicyTest {

    static final long NOW = 1_000_000;
    final SettlementPolicy policy = new SettlementPolicy(3, new Backoff(new BackoffConfig(100L, 1_000L, 2.0)),
            new SplittableRandom(7));

    static StoredMessage stored(int attempts, long deadlineAt) {
        return new StoredMessage("m1", "r1", Envelope.ofText("hi"), "chat", Priority.NORMAL, "main",
                MessageStatus.IN_FLIGHT, attempts, 0, 60_000, NOW - 10, NOW - 10, deadlineAt, NOW - 10, 0, null,
                List.of(), null, null, null);
    }

    static DeliveryResult.Failure failure(ErrorCategory c, int attempts, int failedAttempts) {
        List<DeliveryResult.AttemptFailure> fs = new java.util.ArrayList<>();
        for (int i = attempts - failedAttempts + 1; i <= attempts; i++) {
            fs.add(new DeliveryResult.AttemptFailure(i, "main", "w" + i, c, "attempt " + i + " failed"));
        }
        return new DeliveryResult.Failure(c, "failed", "main", failedAttempts == 0 ? null : "w" + attempts, attempts, 0, fs);
    }

    @Test
    void aSuccessIsDeliveredWithEveryEarlierErrorKept() {
        var earlier = new DeliveryResult.AttemptFailure(1, "main", "w1", ErrorCategory.TIMEOUT, "slow");
        var s = policy.after(stored(0, NOW + 60_000),
                new DeliveryResult.Success("main", "w2", 2, "{}".getBytes(), List.of(earlier)), NOW);

        assertThat(s).isInstanceOf(Settlement.Delivered.class);
        assertThat(s.attempts()).isEqualTo(2);
        assertThat(s.errors()).extracting(AttemptError::category).containsExactly("timeout");
    }

    @Test
    void retryableFailuresBeforeMaxAttemptsGoBackToTheQueueAfterABackoff() {
        var s = policy.after(stored(0, NOW + 60_000), failure(ErrorCategory.HTTP_5XX, 2, 2), NOW);

        assertThat(s).isInstanceOf(Settlement.Retry.class);
        long notBefore = ((Settlement.Retry) s).notBefore();
        assertThat(notBefore).isBetween(NOW, NOW + 1_000);
        assertThat(s.errors()).hasSize(2);
    }

    @Test
    void theLastAllowedAttemptFailingDeadLettersWithMaxAttempts() {
        var s = policy.after(stored(2, NOW + 60_000), failure(ErrorCategory.TIMEOUT, 3, 1), NOW);

        assertThat(s).isInstanceOfSatisfying(Settlement.DeadLettered.class,
                d -> assertThat(d.reason()).isEqualTo(DeadLetterReason.MAX_ATTEMPTS));
    }

    @Test
    void aWorkers4xxDeadLettersAsFatalAndAnUnusableAnswerAsRejected() {
        assertThat(policy.after(stored(0, NOW + 60_000), failure(ErrorCategory.HTTP_4XX, 1, 1), NOW))
                .isInstanceOfSatisfying(Settlement.DeadLettered.class,
                        d -> assertThat(d.reason()).isEqualTo(DeadLetterReason.FATAL_4XX));
        assertThat(policy.after(stored(0, NOW + 60_000), failure(ErrorCategory.INVALID_RESPONSE, 1, 1), NOW))
                .isInstanceOfSatisfying(Settlement.DeadLettered.class,
                        d -> assertThat(d.reason()).isEqualTo(DeadLetterReason.REJECTED));
    }

    @Test
    void aRoundThatEndsAfterTheDeadlineDeadLettersAsExpired() {
        var s = policy.after(stored(0, NOW), failure(ErrorCategory.NO_WORKER, 0, 0), NOW);

        assertThat(s).isInstanceOfSatisfying(Settlement.DeadLettered.class,
                d -> assertThat(d.reason()).isEqualTo(DeadLetterReason.EXPIRED));
    }

    @Test
    void aRoundWithoutAnAttemptIsRequeuedAndRecordsWhyOnlyOnce() {
        StoredMessage m = stored(1, NOW + 60_000);
        var first = policy.after(m, failure(ErrorCategory.NO_WORKER, 1, 0), NOW);
        assertThat(first).isInstanceOf(Settlement.Retry.class);
        assertThat(first.attempts()).isEqualTo(1);
        assertThat(first.errors()).extracting(AttemptError::category).containsExactly("no_worker");

        StoredMessage again = new StoredMessage(m.id(), m.requestId(), m.envelope(), m.className(), m.priority(),
                m.pool(), m.status(), 1, 0, m.ttlMs(), m.acceptedAt(), m.updatedAt(), m.deadlineAt(), m.notBefore(),
                0, null, first.errors(), null, null, null);
        assertThat(policy.after(again, failure(ErrorCategory.NO_WORKER, 1, 0), NOW).errors()).hasSize(1);
    }

    @Test
    void shutdownRequeuesAtOnceWithoutBackoff() {
        var s = policy.after(stored(1, NOW + 60_000), failure(ErrorCategory.SHUTDOWN, 1, 0), NOW);

        assertThat(s).isInstanceOfSatisfying(Settlement.Retry.class, r -> assertThat(r.notBefore()).isEqualTo(NOW));
    }

    @Test
    void beforeARoundUsedUpAttemptsExpiryAndUnreadableEnvelopesAreSettledWithoutSending() {
        assertThat(policy.beforeRound(stored(0, NOW + 1), NOW)).isNull();
        assertThat(policy.beforeRound(stored(3, NOW + 60_000), NOW)).isInstanceOfSatisfying(Settlement.DeadLettered.class,
                d -> assertThat(d.reason()).isEqualTo(DeadLetterReason.MAX_ATTEMPTS));
        assertThat(policy.beforeRound(stored(0, NOW), NOW)).isInstanceOfSatisfying(Settlement.DeadLettered.class,
                d -> assertThat(d.reason()).isEqualTo(DeadLetterReason.EXPIRED));
        StoredMessage unreadable = new StoredMessage("m1", "r1", null, "chat", Priority.NORMAL, "main",
                MessageStatus.IN_FLIGHT, 0, 0, 60_000, NOW, NOW, NOW + 60_000, NOW, 0, null, List.of(), null, null, null);
        assertThat(policy.beforeRound(unreadable, NOW)).isInstanceOfSatisfying(Settlement.DeadLettered.class,
                d -> assertThat(d.reason()).isEqualTo(DeadLetterReason.REJECTED));
    }

    @Test
    void theErrorListKeepsOnlyTheNewestHundred() {
        List<AttemptError> many = new java.util.ArrayList<>();
        for (int i = 0; i < 150; i++) {
            many.add(new AttemptError(1, "main", "w", "timeout", "e" + i, NOW));
        }
        StoredMessage m = new StoredMessage("m1", "r1", Envelope.ofText("hi"), "chat", Priority.NORMAL, "main",
                MessageStatus.IN_FLIGHT, 0, 0, 60_000, NOW, NOW, NOW + 60_000, NOW, 0, null, many, null, null, null);

        var s = policy.after(m, failure(ErrorCategory.HTTP_5XX, 1, 1), NOW);

        assertThat(s.errors()).hasSize(SettlementPolicy.MAX_ERRORS);
        assertThat(s.errors().get(s.errors().size() - 1).detail()).isEqualTo("attempt 1 failed");
    }
}
