package io.switchboard.tls;

/** A PEM file that cannot be used: missing, unreadable, or not holding what it should; the message says which. */
public final class PemException extends Exception {

    public PemException(String reason) {
        super(reason, null, false, false);
    }

    public String reason() {
        return getMessage();
    }
}
