package io.switchboard.classify;

import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.switchboard.message.Envelope;
import io.switchboard.message.Priority;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rule set evaluated with one automaton pass: keywords and the regexes' required literals are found together,
 * then only the regexes whose literals occurred (and those without any) run. Immutable and thread-safe.
 *
 * <p>Field matchers need the content as a JSON object; it is read once per message, and only when a rule whose
 * metadata matched has field matchers (see {@link ContentFields}).
 *
 * <p>A regex whose matches have a bounded length {@code L} is searched only near its literals: a match contains an
 * occurrence {@code [a, b)} and is at most {@code L} long, so it starts in {@code [b - L, a]} and never reads past
 * {@code a + L}. Searching that window (with transparent, non-anchoring bounds, so lookaround, {@code \b} and anchors
 * see the whole text) finds exactly the match a search of the whole text would find there.
 *
 * <p>Every regex search reads the text through a {@link RegexBudget}: one that backtracks past its bound counts as
 * no match, so a pattern that is slow on some text costs that message a bounded time and never hangs the thread.
 */
final class RuleSetClassifier implements RuleClassifier {

    /** {@code maxLength} of a regex without required literals: it runs on every message. */
    static final int ALWAYS_RUN = -2;
    /** {@code maxLength} of a prefiltered regex whose match length has no bound: it searches the whole text. */
    static final int UNBOUNDED = -1;

    private static final int MATCHED_TEXT_LIMIT = 64;
    /** Past this many literal occurrences, one search from the first window is cheaper than many small ones. */
    private static final int WINDOW_LIMIT = 16;
    private static final Comparator<Ranked> BEST_FIRST =
            Comparator.comparingInt((Ranked r) -> -r.rule().score()).thenComparingInt(Ranked::order);

    /** The literal tables built by {@link RuleSetCompiler}; arrays are indexed by literal id unless named otherwise. */
    record Literals(LiteralAutomaton automaton, int[] length, boolean[] wordAtStart, boolean[] wordAtEnd,
                    int[][] keywordRule, int[][] keywordIndex, int[][] patterns) {
    }

    private record Ranked(CompiledRule rule, int order, String matched) {
    }

    private final CompiledRule[] rules;
    private final Pattern[] patterns;
    /** The config key of each pattern, for warnings. */
    private final String[] patternKeys;
    private final int[] maxLength;
    private final Literals literals;
    private final Map<String, Priority> priorities;
    private final String defaultClass;
    private final String[] metadataKeys;
    /** Reads the field paths rules test; null when no rule has field matchers. */
    private final ContentFields fields;
    private final RegexBudget budget = new RegexBudget();

    RuleSetClassifier(CompiledRule[] rules, Pattern[] patterns, String[] patternKeys, int[] maxLength,
                      Literals literals, Map<String, Priority> priorities, String defaultClass, String[] metadataKeys,
                      ContentFields fields) {
        this.rules = rules;
        this.patterns = patterns;
        this.patternKeys = patternKeys;
        this.maxLength = maxLength;
        this.literals = literals;
        this.priorities = priorities;
        this.defaultClass = defaultClass;
        this.metadataKeys = metadataKeys;
        this.fields = fields;
    }

    @Override
    public Classification classify(Envelope envelope) {
        if (envelope.className() != null) {
            return explicit(envelope);
        }
        return withPriority(decide(envelope.text(), envelope.metadata()), envelope.priority());
    }

    @Override
    public Set<String> classNames() {
        return priorities.keySet();
    }

    @Override
    public String defaultClass() {
        return defaultClass;
    }

    @Override
    public CacheStats cacheStats() {
        return CacheStats.empty();
    }

    @Override
    public long regexSearchesStopped() {
        return budget.stoppedSearches();
    }

    /** The metadata keys any rule tests, sorted; only these can change a decision. */
    String[] metadataKeys() {
        return metadataKeys;
    }

    Classification explicit(Envelope envelope) {
        Priority classPriority = priorities.get(envelope.className());
        if (classPriority == null) {
            throw new IllegalArgumentException("unknown class '" + envelope.className() + "'; known: " + classNames());
        }
        Priority priority = envelope.priority() != null ? envelope.priority() : classPriority;
        return new Classification(envelope.className(), priority, Classification.Source.EXPLICIT, List.of());
    }

    static Classification withPriority(Classification c, Priority explicit) {
        if (explicit == null || explicit == c.priority()) {
            return c;
        }
        return new Classification(c.className(), explicit, c.source(), c.matched());
    }

    /** The class-priority decision for content alone; the envelope's explicit priority is applied by the caller. */
    Classification decide(String text, Map<String, String> metadata) {
        boolean[] eligible = new boolean[rules.length];
        boolean anyEligible = false;
        String[] fieldValues = null;
        boolean fieldsRead = false;
        for (int r = 0; r < rules.length; r++) {
            CompiledRule rule = rules[r];
            boolean ok = rule.metadataMatches(metadata, budget);
            if (ok && rule.hasFields()) {
                if (!fieldsRead) {
                    fieldValues = fields.read(text);
                    fieldsRead = true;
                }
                ok = rule.fieldsMatch(fieldValues, budget);
            }
            eligible[r] = ok;
            anyEligible |= ok;
        }
        if (!anyEligible) {
            return fallback();
        }
        Scan scan = new Scan(text, eligible, fieldValues);
        if (literals.automaton() != null) {
            literals.automaton().scan(text, scan);
        }
        List<Ranked> matched = null;
        for (int r = 0; r < rules.length; r++) {
            if (!eligible[r]) {
                continue;
            }
            String what = textMatch(r, text, scan);
            if (what != null) {
                if (matched == null) {
                    matched = new ArrayList<>(4);
                }
                matched.add(new Ranked(rules[r], r, what));
            }
        }
        if (matched == null) {
            return fallback();
        }
        matched.sort(BEST_FIRST);
        MatchedRule[] explained = new MatchedRule[matched.size()];
        for (int i = 0; i < explained.length; i++) {
            Ranked m = matched.get(i);
            explained[i] = new MatchedRule(m.rule().name(), m.rule().className(), m.rule().score(), m.matched());
        }
        String winner = matched.getFirst().rule().className();
        return new Classification(winner, priorities.get(winner), Classification.Source.RULE, List.of(explained));
    }

    private Classification fallback() {
        return new Classification(defaultClass, priorities.get(defaultClass), Classification.Source.DEFAULT, List.of());
    }

    /**
     * The first declared keyword found, else the text of the first declared pattern that finds a match, else null;
     * for a rule without either (it has already matched on metadata and fields) what those matched.
     */
    private String textMatch(int r, String text, Scan scan) {
        CompiledRule rule = rules[r];
        if (rule.textless()) {
            return rule.textlessLabel(scan.fieldValues);
        }
        int keyword = scan.keyword[r];
        if (keyword != Integer.MAX_VALUE) {
            return rule.keywords()[keyword];
        }
        for (int p = rule.firstPattern(); p < rule.firstPattern() + rule.patternCount(); p++) {
            String found = search(p, rule, text, scan);
            if (found != null) {
                return truncate(found);
            }
        }
        return null;
    }

    /**
     * The leftmost match of pattern {@code p} of {@code rule}, as a search of the whole text would find it, or null;
     * null too when the search ran out of its budget.
     */
    private String search(int p, CompiledRule rule, String text, Scan scan) {
        int longest = maxLength[p];
        if (longest != ALWAYS_RUN && !scan.candidate[p]) {
            return null;
        }
        try {
            return find(p, text, scan, longest);
        } catch (BudgetedText.Exhausted e) {
            budget.stopped(patternKeys[p], rule.name(), text.length());
            return null;
        }
    }

    private String find(int p, String text, Scan scan, int longest) {
        Matcher m = patterns[p].matcher(scan.budgeted());
        if (longest < 0) {
            return m.find() ? m.group() : null;
        }
        m.useTransparentBounds(true).useAnchoringBounds(false);
        int count = scan.windowCount[p];
        if (count > WINDOW_LIMIT) {
            m.region(scan.firstStart[p], text.length());
            return m.find() ? m.group() : null;
        }
        // Windows arrive in order of their literal's end, and all have the same length bound, so their starts are
        // already sorted; overlapping ones are merged into one search.
        int[] w = scan.windows[p];
        int i = 0;
        while (i < count) {
            int lo = w[2 * i];
            int hi = w[2 * i + 1];
            i++;
            while (i < count && w[2 * i] <= hi + 1) {
                hi = Math.max(hi, w[2 * i + 1]);
                i++;
            }
            m.region(lo, Math.min(text.length(), hi + longest));
            if (m.find() && m.start() <= hi) {
                return m.group();
            }
        }
        return null;
    }

    static String truncate(String s) {
        if (s.length() <= MATCHED_TEXT_LIMIT) {
            return s;
        }
        int cut = Character.isHighSurrogate(s.charAt(MATCHED_TEXT_LIMIT - 1)) ? MATCHED_TEXT_LIMIT - 1 : MATCHED_TEXT_LIMIT;
        return s.substring(0, cut) + "…";
    }

    /** Per-message results of the automaton pass. */
    private final class Scan implements LiteralAutomaton.Hits {

        final String text;
        final boolean[] eligible;
        /** What {@link ContentFields#read} found, when a rule needed it. */
        final String[] fieldValues;
        /** The text as searches read it; one per message, refilled for each search. */
        private BudgetedText budgeted;
        final int[] keyword;
        final boolean[] candidate;
        /** Per bounded pattern: the windows (start, last start) where a match may begin, and how many were seen. */
        final int[][] windows;
        final int[] windowCount;
        final int[] firstStart;

        Scan(String text, boolean[] eligible, String[] fieldValues) {
            this.text = text;
            this.eligible = eligible;
            this.fieldValues = fieldValues;
            this.keyword = new int[rules.length];
            Arrays.fill(keyword, Integer.MAX_VALUE);
            this.candidate = new boolean[patterns.length];
            this.windows = new int[patterns.length][];
            this.windowCount = new int[patterns.length];
            this.firstStart = new int[patterns.length];
        }

        /** The text with a fresh budget for one search. */
        BudgetedText budgeted() {
            if (budgeted == null) {
                budgeted = RegexBudget.text(text);
            } else {
                budgeted.refill(RegexBudget.of(text.length()));
            }
            return budgeted;
        }

        @Override
        public void found(int literal, int end) {
            int start = end - literals.length()[literal];
            for (int p : literals.patterns()[literal]) {
                candidate[p] = true;
                if (maxLength[p] >= 0) {
                    window(p, Math.max(0, end - maxLength[p]), start);
                }
            }
            int[] owners = literals.keywordRule()[literal];
            if (owners.length == 0) {
                return;
            }
            if (!TextFold.standsAlone(text, start, end, literals.wordAtStart()[literal], literals.wordAtEnd()[literal])) {
                return;
            }
            int[] indexes = literals.keywordIndex()[literal];
            for (int k = 0; k < owners.length; k++) {
                int r = owners[k];
                if (eligible[r] && indexes[k] < keyword[r]) {
                    keyword[r] = indexes[k];
                }
            }
        }

        private void window(int p, int lo, int hi) {
            int count = windowCount[p];
            if (count == 0) {
                firstStart[p] = lo;
            }
            if (count < WINDOW_LIMIT) {
                if (windows[p] == null) {
                    windows[p] = new int[2 * WINDOW_LIMIT];
                }
                windows[p][2 * count] = lo;
                windows[p][2 * count + 1] = hi;
            }
            if (count <= WINDOW_LIMIT) {
                windowCount[p] = count + 1;
            }
        }
    }
}
