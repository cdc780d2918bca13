package io.switchboard.classify;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * Bounds the work of every regex search the classifier makes, so that no configured pattern, however it backtracks,
 * can hold a request thread: a search over a text of {@code n} characters may read characters at most
 * {@link #BASE} + {@link #PER_CHAR}·{@code n} times, then it stops and counts as no match. Linear patterns stay far
 * below that; a pattern that backtracks catastrophically on some text hits it within milliseconds per kilobyte.
 * Each pattern that hits the bound is logged once at WARN with the config key that holds it; every stop is counted.
 */
final class RegexBudget {

    static final long BASE = 100_000;
    static final long PER_CHAR = 256;

    private static final Logger LOG = LoggerFactory.getLogger(RegexBudget.class);

    private final LongAdder stopped = new LongAdder();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /** The reads a search over {@code length} characters may make. */
    static long of(int length) {
        return BASE + PER_CHAR * length;
    }

    /** A budgeted view of {@code text} for one search. */
    static BudgetedText text(String text) {
        return new BudgetedText(text, of(text.length()));
    }

    /**
     * Whether {@code regex} matches the whole of {@code value} within the budget; a search that runs out is reported
     * under {@code key} and counts as no match.
     */
    boolean matches(Pattern regex, String value, String key, String rule) {
        try {
            return regex.matcher(text(value)).matches();
        } catch (BudgetedText.Exhausted e) {
            stopped(key, rule, value.length());
            return false;
        }
    }

    /** Records a search of the regex at {@code key} (in {@code rule}) over {@code length} characters that ran out. */
    void stopped(String key, String rule, int length) {
        stopped.increment();
        if (warned.add(key)) {
            LOG.atWarn().addKeyValue("event", "regex_budget_exhausted").addKeyValue("key", key)
                    .addKeyValue("rule", rule).addKeyValue("text_length", length)
                    .log("a regex search read the text more than " + PER_CHAR + " times per character and was stopped;"
                            + " it counts as no match. The pattern backtracks heavily on some texts: make it cheaper"
                            + " (no nested or overlapping repetition, fewer alternatives). Logged once per pattern");
        }
    }

    /** Searches stopped at the bound since the rule set was compiled. */
    long stoppedSearches() {
        return stopped.sum();
    }
}
