package io.switchboard.classify;

/**
 * A text as a regex search reads it, with a bound on how many characters the search may read: past it the search
 * stops with {@link Exhausted}. Every character the regex engine looks at goes through {@link #charAt}, so the bound
 * caps its work whatever the pattern, backtracking included. One instance serves one search at a time on one thread.
 */
final class BudgetedText implements CharSequence {

    /** Thrown when a search used up its budget; shared and without a stack trace, as it is an outcome, not a bug. */
    static final class Exhausted extends RuntimeException {
        static final Exhausted INSTANCE = new Exhausted();

        private Exhausted() {
            super("regex search budget exhausted", null, false, false);
        }
    }

    private final String text;
    private long left;

    BudgetedText(String text, long budget) {
        this.text = text;
        this.left = budget;
    }

    /** Sets the reads left for the next search. */
    void refill(long budget) {
        left = budget;
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public char charAt(int index) {
        if (--left < 0) {
            throw Exhausted.INSTANCE;
        }
        return text.charAt(index);
    }

    /** Matched text is copied out unmetered: reading a result is not searching. */
    @Override
    public CharSequence subSequence(int start, int end) {
        return text.substring(start, end);
    }

    @Override
    public String toString() {
        return text;
    }
}
