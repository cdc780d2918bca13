package io.switchboard.observe;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;

/** Lets tests in other packages encode an event exactly as the JSON log does. */
public final class LogSetupAccess {

    private LogSetupAccess() {
    }

    public static Encoder<ILoggingEvent> json(LoggerContext context) {
        return LogSetup.encoder(context, "json");
    }
}
