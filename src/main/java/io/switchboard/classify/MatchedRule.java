package io.switchboard.classify;

/**
 * One rule that matched a message.
 *
 * @param rule      the rule's name (given in config, else {@code <class>#<index>})
 * @param className the class the rule belongs to
 * @param score     the rule's score
 * @param matched   what matched: the keyword, the text the pattern matched, or the metadata key
 */
public record MatchedRule(String rule, String className, int score, String matched) {
}
