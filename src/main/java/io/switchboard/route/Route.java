package io.switchboard.route;

/**
 * Where messages of a class go.
 *
 * @param className the class
 * @param pool      the primary pool
 * @param fallback  the pool used when the primary is exhausted, or null
 */
public record Route(String className, String pool, String fallback) {
}
