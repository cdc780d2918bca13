package io.switchboard.classify;

/**
 * One rule that matched a message.
 *
 * @param rule      the rule's name (given in config, else {@code <class>#<index>})
 * @param className the class the rule belongs to
 * @param score     the rule's score
 * @param matched   what matched: the first declared keyword found, else the text the first matching pattern found
 *                  (cut to 64 characters), or for a rule with only metadata matchers its keys, sorted and comma-separated
 */
public record MatchedRule(String rule, String className, int score, String matched) {
}
