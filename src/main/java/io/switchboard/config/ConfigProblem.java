package io.switchboard.config;

/**
 * One thing wrong with a configuration: where it came from, which key, and what is wrong.
 *
 * @param file    the file (or {@code $VARIABLE} for an environment variable) the offending value came from
 * @param keyPath the key, e.g. {@code pools.strong.workers[0].url}; {@code line:column} for a YAML syntax
 *                error; empty when the problem is about the whole source
 * @param reason  what is wrong, phrased for the person editing the file
 */
public record ConfigProblem(String file, String keyPath, String reason) {

    /** {@code file:key.path: reason}, or {@code file: reason} when there is no key. */
    @Override
    public String toString() {
        return keyPath.isEmpty() ? file + ": " + reason : file + ":" + keyPath + ": " + reason;
    }
}
