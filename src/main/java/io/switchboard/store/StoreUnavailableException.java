package io.switchboard.store;

/** The store could not do what was asked in time, or failed doing it; the caller should retry later. */
public final class StoreUnavailableException extends Exception {

    public StoreUnavailableException(String message) {
        super(message);
    }

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
