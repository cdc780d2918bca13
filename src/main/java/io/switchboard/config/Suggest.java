package io.switchboard.config;

import java.util.Collection;

/** "Did you mean" hints for misspelled keys and values. */
public final class Suggest {

    private Suggest() {
    }

    /** {@code "; did you mean 'x'?"} for the closest candidate within a small edit distance, else "". */
    public static String hint(String given, Collection<String> candidates) {
        String best = closest(given, candidates);
        return best == null ? "" : " (did you mean '" + best + "'?)";
    }

    /** The candidate closest to {@code given} by edit distance, or null when none is close. */
    public static String closest(String given, Collection<String> candidates) {
        if (given == null) {
            return null;
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(given.toLowerCase(), c.toLowerCase());
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        int allowed = Math.max(2, given.length() / 3);
        return bestDistance <= allowed ? best : null;
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
