package io.switchboard.observe;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;

import java.nio.charset.StandardCharsets;

/**
 * Wraps the encoder of a log appender and masks secret header values in each line it renders (see
 * {@link HeaderRedaction}). The shipped Logback configurations put it around every console encoder; {@link LogSetup}
 * adds {@code logging.redact_headers} to it.
 */
public final class RedactingEncoder extends EncoderBase<ILoggingEvent> {

    private Encoder<ILoggingEvent> encoder;
    private volatile HeaderRedaction redaction = HeaderRedaction.standard();

    public RedactingEncoder() {
    }

    RedactingEncoder(Encoder<ILoggingEvent> encoder, HeaderRedaction redaction) {
        this.encoder = encoder;
        this.redaction = redaction;
    }

    /** The encoder whose lines are masked (Logback configuration calls it for the nested {@code <encoder>}). */
    public void setEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
    }

    /** Masks the headers of {@code redaction} from now on. */
    void redact(HeaderRedaction redaction) {
        this.redaction = redaction;
    }

    @Override
    public void start() {
        if (encoder == null) {
            addError("no nested <encoder> to mask the lines of");
            return;
        }
        if (!encoder.isStarted()) {
            encoder.start();
        }
        super.start();
    }

    @Override
    public void stop() {
        encoder.stop();
        super.stop();
    }

    @Override
    public byte[] headerBytes() {
        return encoder.headerBytes();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        byte[] line = encoder.encode(event);
        // Header names are ASCII, so a Latin-1 view finds them without decoding; only a line that names one is
        // decoded and rewritten.
        String view = new String(line, StandardCharsets.ISO_8859_1);
        String masked = redaction.apply(view);
        if (masked == view) {
            return line;
        }
        return redaction.apply(new String(line, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] footerBytes() {
        return encoder.footerBytes();
    }
}
