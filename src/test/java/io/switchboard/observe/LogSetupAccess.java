package io.switchboard.observe;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;

import java.util.Collection;

/** Lets tests in other packages encode an event exactly as the JSON (or text) log does. */
public final class LogSetupAccess {

    private LogSetupAccess() {
    }

    public static Encoder<ILoggingEvent> json(LoggerContext context) {
        return LogSetup.encoder(context, "json");
    }

    /** The encoder of {@code format} masking {@code headers} too (as {@code logging.redact_headers} adds them). */
    public static Encoder<ILoggingEvent> encoder(LoggerContext context, String format, Collection<String> headers) {
        return LogSetup.encoder(context, format, HeaderRedaction.of(headers));
    }
}
