package io.switchboard.complete;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.message.Json;
import io.switchboard.store.AttemptError;
import io.switchboard.store.MessageStatus;
import io.switchboard.store.StoredMessage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * The event sent when a stored message is finished: {@code message_delivered} or {@code message_dead_lettered}, with
 * {@code id, class, pool, worker, attempts, duration_ms, timestamp}, and for dead letters the reason and last error.
 */
public final class CompletionEvent {

    public static final String DELIVERED = "message_delivered";
    public static final String DEAD_LETTERED = "message_dead_lettered";

    private CompletionEvent() {
    }

    /** The event for a message that was just delivered or dead-lettered. */
    public static byte[] of(StoredMessage m) {
        try {
            return Json.mapper().writeValueAsBytes(tree(m));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The same event as a JSON tree, for sinks that shape their own from it. */
    static ObjectNode tree(StoredMessage m) {
        ObjectNode e = Json.mapper().createObjectNode();
        e.put("event", m.status() == MessageStatus.DELIVERED ? DELIVERED : DEAD_LETTERED);
        e.put("id", m.id());
        e.put("class", m.className());
        e.put("pool", m.pool());
        e.put("worker", m.worker());
        e.put("attempts", m.attempts());
        e.put("duration_ms", Math.max(0, m.finishedAt() - m.acceptedAt()));
        e.put("timestamp", Instant.ofEpochMilli(m.finishedAt()).toString());
        e.put("status", m.status().label());
        if (m.deadReason() != null) {
            e.put("reason", m.deadReason().label());
            AttemptError last = m.lastError();
            if (last != null) {
                e.putObject("error").put("category", last.category()).put("message", last.detail());
            }
        }
        if (m.requestId() != null) {
            e.put("request_id", m.requestId());
        }
        return e;
    }
}
