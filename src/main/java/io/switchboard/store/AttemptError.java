package io.switchboard.store;

/**
 * One failed attempt of a stored message, kept with it for the dead-letter queue.
 *
 * @param attempt  the attempt number (1 for the first), counted across restarts and replays' rounds
 * @param pool     the pool of the worker, or null when no worker was reached
 * @param worker   the worker, or null when no worker was reached
 * @param category the error category label ({@code timeout}, {@code http_5xx}, ...)
 * @param detail   what happened, for people
 * @param atMillis when it was recorded, epoch milliseconds
 */
public record AttemptError(int attempt, String pool, String worker, String category, String detail, long atMillis) {
}
