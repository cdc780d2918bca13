package io.switchboard.classify;

/**
 * One rule that matched a message.
 *
 * @param rule      the rule's name (given in config, else {@code <class>#<index>})
 * @param className the class the rule belongs to
 * @param score     the rule's score
 * @param matched   what matched: the first declared keyword found, else the text the first matching pattern found
 *                  (cut to 64 characters), or for a rule with only metadata and field matchers its metadata keys,
 *                  sorted, then {@code path=value} for each field it tests, sorted by path (each value cut to 64
 *                  characters), all comma-separated: {@code tenant,command=fetch}
 */
public record MatchedRule(String rule, String className, int score, String matched) {
}
