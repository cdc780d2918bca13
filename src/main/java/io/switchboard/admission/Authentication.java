package io.switchboard.admission;

/** How a request's API key was judged for the scope its endpoint needs. */
public sealed interface Authentication {

    /** The key is known and has the scope. */
    record Accepted(ApiKey key) implements Authentication {
    }

    /** No key was presented ({@code presented} false), or one that matches no configured key. */
    record Unauthorized(boolean presented) implements Authentication {
    }

    /** The key is known but lacks {@code needed}. */
    record Forbidden(ApiKey key, Scope needed) implements Authentication {
    }
}
