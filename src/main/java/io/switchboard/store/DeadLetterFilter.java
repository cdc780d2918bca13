package io.switchboard.store;

/** Which dead letters a listing or a bulk action concerns; a null field matches everything. */
public record DeadLetterFilter(String className, String pool, DeadLetterReason reason) {

    public static final DeadLetterFilter ALL = new DeadLetterFilter(null, null, null);
}
