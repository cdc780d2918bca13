package io.switchboard.dispatch;

/** The answer to a request for a worker: a worker holding a slot for the caller, or why there is none. */
public sealed interface Acquisition {

    /** A worker whose circuit permission and concurrency slot now belong to the caller, who must release it. */
    record Acquired(Worker worker) implements Acquisition {
    }

    /** No worker: the reason decides the caller's answer (429, 503 or 504). */
    record Refused(Reason reason) implements Acquisition {
    }

    /** Why no worker was handed out. */
    enum Reason {
        /** The pool's queue is full (or this message was shed for a more urgent one). */
        OVERLOAD,
        /** The deadline passed while waiting although the pool had healthy workers (all busy). */
        EXPIRED,
        /** The deadline passed and no worker of the pool was healthy (every circuit open). */
        NO_WORKER,
        /** The engine is stopping. */
        SHUTDOWN
    }
}
