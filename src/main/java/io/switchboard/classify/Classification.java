package io.switchboard.classify;

import io.switchboard.message.Priority;

import java.util.List;

/**
 * The result of classifying one envelope.
 *
 * @param className the class it belongs to
 * @param priority  its priority (the envelope's explicit one, else the class's)
 * @param source    how the class was decided
 * @param matched   the rules that matched, best first; empty when the default or an explicit class was used
 */
public record Classification(String className, Priority priority, Source source, List<MatchedRule> matched) {

    public Classification {
        matched = List.copyOf(matched);
    }

    /** How a class was decided. */
    public enum Source { RULE, DEFAULT, EXPLICIT }
}
