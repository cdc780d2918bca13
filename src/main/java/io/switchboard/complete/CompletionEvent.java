package io.switchboard.complete;

import com.fasterxml.jackson.core.JsonGenerator;
import io.switchboard.message.Json;
import io.switchboard.store.AttemptError;
import io.switchboard.store.MessageStatus;
import io.switchboard.store.StoredMessage;

import java.io.ByteArrayOutputStream;
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
        var out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = Json.factory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("event", m.status() == MessageStatus.DELIVERED ? DELIVERED : DEAD_LETTERED);
            g.writeStringField("id", m.id());
            g.writeStringField("class", m.className());
            g.writeStringField("pool", m.pool());
            g.writeStringField("worker", m.worker());
            g.writeNumberField("attempts", m.attempts());
            g.writeNumberField("duration_ms", Math.max(0, m.finishedAt() - m.acceptedAt()));
            g.writeStringField("timestamp", Instant.ofEpochMilli(m.finishedAt()).toString());
            g.writeStringField("status", m.status().label());
            if (m.deadReason() != null) {
                g.writeStringField("reason", m.deadReason().label());
                AttemptError last = m.lastError();
                if (last != null) {
                    g.writeObjectFieldStart("error");
                    g.writeStringField("category", last.category());
                    g.writeStringField("message", last.detail());
                    g.writeEndObject();
                }
            }
            if (m.requestId() != null) {
                g.writeStringField("request_id", m.requestId());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
