package io.switchboard;

import io.switchboard.message.Envelope;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Whether lines about a message carry its content and metadata ({@code logging.include_content}): off by default,
 * since content is the producers' data and logs are read by more people than the store is.
 */
final class ContentLog {

    /** Longer content is cut to this many characters in a log line. */
    static final int MAX_CHARS = 4096;

    private final boolean on;

    ContentLog(boolean on) {
        this.on = on;
    }

    /** {@code event} with {@code content} and {@code metadata} added when content is logged, else as it is. */
    LoggingEventBuilder add(LoggingEventBuilder event, Envelope envelope) {
        if (!on || envelope == null) {
            return event;
        }
        String text = envelope.text();
        return event.addKeyValue("content", text.length() <= MAX_CHARS ? text
                        : text.substring(0, MAX_CHARS) + "... (" + text.length() + " characters)")
                .addKeyValue("metadata", envelope.metadata());
    }
}
