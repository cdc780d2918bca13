package io.switchboard.deliver;

/** Why an attempt or a message failed; the stable vocabulary of logs, metrics and problem types. */
public enum ErrorCategory {
    TIMEOUT("timeout"),
    CONNECT("connect"),
    HTTP_5XX("http_5xx"),
    HTTP_4XX("http_4xx"),
    RATE_LIMITED("rate_limited"),
    CIRCUIT_OPEN("circuit_open"),
    INVALID_RESPONSE("invalid_response"),
    NO_WORKER("no_worker"),
    EXPIRED("expired"),
    OVERLOAD("overload"),
    SHUTDOWN("shutdown");

    private final String label;

    ErrorCategory(String label) {
        this.label = label;
    }

    /** The lower-case name used in logs, metrics and JSON. */
    public String label() {
        return label;
    }
}
