package io.switchboard.admission;

import java.util.Locale;

/** What an API key may do; each scope grants a group of endpoints. */
public enum Scope {
    /** Synchronous routing and dry runs: {@code POST /v1/route}, {@code POST /v1/classify}. */
    ROUTE,
    /** Asynchronous submissions: {@code POST /v1/messages}. */
    SUBMIT,
    /** Reading state: message status, dead letters, statistics, health details, and metrics or the dashboard. */
    READ,
    /** Changing state: replaying and purging dead letters. */
    ADMIN;

    /** The lower-case name used in the configuration and in answers. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The scope named {@code label} in the configuration. */
    public static Scope ofLabel(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
