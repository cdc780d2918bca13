package io.switchboard.ingress.http;

import com.fasterxml.jackson.databind.util.RawValue;
import io.switchboard.message.EnvelopeCodec;
import io.switchboard.store.AttemptError;
import io.switchboard.store.MessageStatus;
import io.switchboard.store.StoredMessage;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How a stored message looks in the API: its status view, and the fuller dead-letter view. */
final class MessageView {

    private MessageView() {
    }

    /** {@code GET /v1/messages/{id}}: status, attempts, last error, timestamps and, once delivered, the result. */
    static Map<String, Object> status(StoredMessage m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", m.id());
        out.put("status", m.status().label());
        out.put("class", m.className());
        out.put("priority", m.priority().name());
        out.put("pool", m.pool());
        out.put("attempts", m.attempts());
        if (m.replays() > 0) {
            out.put("replays", m.replays());
        }
        if (m.worker() != null) {
            out.put("worker", m.worker());
        }
        out.put("accepted_at", time(m.acceptedAt()));
        out.put("updated_at", time(m.updatedAt()));
        out.put("deadline_at", time(m.deadlineAt()));
        if (m.status() == MessageStatus.QUEUED && m.notBefore() > m.updatedAt() && m.attempts() > 0) {
            out.put("next_attempt_at", time(m.notBefore()));
        }
        if (m.status() == MessageStatus.DELIVERED) {
            out.put("delivered_at", time(m.finishedAt()));
        }
        if (m.status().isDeadLetter()) {
            out.put("dead_lettered_at", time(m.finishedAt()));
            out.put("dead_letter_reason", m.deadReason() == null ? null : m.deadReason().label());
        }
        AttemptError last = m.lastError();
        if (last != null) {
            out.put("last_error", error(last));
        }
        if (m.idempotencyKey() != null) {
            out.put("idempotency_key", m.idempotencyKey());
        }
        if (m.requestId() != null) {
            out.put("request_id", m.requestId());
        }
        if (m.result() != null) {
            // The worker's JSON, as it answered.
            out.put("result", new RawValue(new String(m.result(), StandardCharsets.UTF_8)));
        }
        return out;
    }

    /** A dead letter: the status view plus the original envelope and every attempt's error. */
    static Map<String, Object> deadLetter(StoredMessage m) {
        Map<String, Object> out = status(m);
        out.put("errors", m.errors().stream().map(MessageView::error).toList());
        out.put("envelope", m.envelope() == null ? null
                : new RawValue(new String(EnvelopeCodec.encode(m.envelope()), StandardCharsets.UTF_8)));
        return out;
    }

    static List<Map<String, Object>> deadLetters(List<StoredMessage> items) {
        return items.stream().map(MessageView::deadLetter).toList();
    }

    private static Map<String, Object> error(AttemptError e) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("attempt", e.attempt());
        out.put("category", e.category());
        out.put("message", e.detail());
        if (e.pool() != null) {
            out.put("pool", e.pool());
        }
        if (e.worker() != null) {
            out.put("worker", e.worker());
        }
        out.put("at", time(e.atMillis()));
        return out;
    }

    static String time(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }
}
