package io.switchboard.deliver;

/** A failed attempt as the circuit breaker records it; carries no stack trace because it marks an outcome, not a bug. */
final class WorkerFailure extends RuntimeException {

    private static final WorkerFailure[] BY_CATEGORY = new WorkerFailure[ErrorCategory.values().length];

    static {
        for (ErrorCategory c : ErrorCategory.values()) {
            BY_CATEGORY[c.ordinal()] = new WorkerFailure(c);
        }
    }

    private WorkerFailure(ErrorCategory category) {
        super(category.label(), null, false, false);
    }

    static WorkerFailure of(ErrorCategory category) {
        return BY_CATEGORY[category.ordinal()];
    }
}
