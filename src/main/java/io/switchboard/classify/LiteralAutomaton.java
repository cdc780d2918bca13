package io.switchboard.classify;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * An Aho–Corasick automaton over case-folded text that finds every occurrence of a fixed set of literals in one
 * pass. It is a dense DFA over a compact alphabet (only the characters the literals use, plus one class for all
 * others), so each text character costs two table lookups: its class (folding included, for Latin-1) and the next
 * state. States are stored pre-multiplied by the alphabet size, and a transition into a state that reports
 * something is stored negated, so the common path has no other branch.
 */
final class LiteralAutomaton {

    /** Receives each occurrence: the literal's index in the build list and the end offset (exclusive) in the text. */
    interface Hits {
        void found(int literal, int end);
    }

    private static final int ROOT = 0;

    private static final int CHUNK = 256;

    private final int alphabet;
    private final int[] asciiClass = new int[128];
    /** The class of each raw Latin-1 character, folding included. */
    private final int[] latin1Class = new int[256];
    private final char[] otherChars;
    private final int[] otherClass;
    private final int[] delta;
    private final int[] outStart;
    private final int[] outLiterals;
    private final int[] outLink;

    private LiteralAutomaton(List<String> literals) {
        TreeSet<Character> chars = new TreeSet<>();
        long totalLength = 1;
        for (String literal : literals) {
            if (literal.isEmpty()) {
                throw new IllegalArgumentException("empty literal");
            }
            for (int i = 0; i < literal.length(); i++) {
                chars.add(TextFold.fold(literal.charAt(i)));
            }
            totalLength += literal.length();
        }
        int next = 1;
        int others = 0;
        for (char c : chars) {
            others += c < 128 ? 0 : 1;
        }
        otherChars = new char[others];
        otherClass = new int[others];
        int o = 0;
        for (char c : chars) {
            if (c < 128) {
                asciiClass[c] = next++;
            } else {
                otherChars[o] = c;
                otherClass[o++] = next++;
            }
        }
        alphabet = next;
        if (totalLength * alphabet > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("too many literals for one automaton: " + literals.size());
        }

        int[] trie = new int[(int) totalLength * alphabet];
        Arrays.fill(trie, -1);
        int[] ownCount = new int[(int) totalLength];
        int[] terminal = new int[literals.size()];
        int states = 1;
        for (int id = 0; id < literals.size(); id++) {
            String literal = literals.get(id);
            int state = ROOT;
            for (int i = 0; i < literal.length(); i++) {
                int slot = state * alphabet + classOf(TextFold.fold(literal.charAt(i)));
                if (trie[slot] < 0) {
                    trie[slot] = states++;
                }
                state = trie[slot];
            }
            terminal[id] = state;
            ownCount[state]++;
        }

        outStart = new int[states + 1];
        for (int s = 0; s < states; s++) {
            outStart[s + 1] = outStart[s] + ownCount[s];
        }
        outLiterals = new int[outStart[states]];
        int[] fill = Arrays.copyOf(outStart, states);
        for (int id = 0; id < terminal.length; id++) {
            outLiterals[fill[terminal[id]]++] = id;
        }

        delta = Arrays.copyOf(trie, states * alphabet);
        int[] fail = new int[states];
        outLink = new int[states];
        outLink[ROOT] = -1;
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int a = 0; a < alphabet; a++) {
            int child = delta[a];
            if (child < 0) {
                delta[a] = ROOT;
            } else {
                fail[child] = ROOT;
                outLink[child] = -1;
                queue.add(child);
            }
        }
        while (!queue.isEmpty()) {
            int state = queue.poll();
            for (int a = 0; a < alphabet; a++) {
                int slot = state * alphabet + a;
                int child = delta[slot];
                int viaFail = delta[fail[state] * alphabet + a];
                if (child < 0) {
                    delta[slot] = viaFail;
                } else {
                    fail[child] = viaFail;
                    outLink[child] = hasOwn(viaFail) ? viaFail : outLink[viaFail];
                    queue.add(child);
                }
            }
        }
        for (int slot = 0; slot < delta.length; slot++) {
            int target = delta[slot];
            boolean reports = hasOwn(target) || outLink[target] > 0;
            delta[slot] = reports ? ~(target * alphabet) : target * alphabet;
        }
        for (char c = 0; c < 256; c++) {
            latin1Class[c] = classOf(TextFold.fold(c));
        }
    }

    /** Builds an automaton for non-empty literals; they are folded here, so callers may pass them in any case. */
    static LiteralAutomaton of(List<String> literals) {
        return new LiteralAutomaton(literals);
    }

    void scan(String text, Hits hits) {
        int[] table = delta;
        int[] latin1 = latin1Class;
        char[] chunk = new char[CHUNK];
        int offset = ROOT;
        for (int from = 0; from < text.length(); from += CHUNK) {
            int n = Math.min(CHUNK, text.length() - from);
            text.getChars(from, from + n, chunk, 0);
            for (int i = 0; i < n; i++) {
                char c = chunk[i];
                int next = table[offset + (c < 256 ? latin1[c] : classOf(TextFold.fold(c)))];
                if (next >= 0) {
                    offset = next;
                } else {
                    offset = ~next;
                    report(offset / alphabet, from + i + 1, hits);
                }
            }
        }
    }

    private void report(int state, int end, Hits hits) {
        for (int s = hasOwn(state) ? state : outLink[state]; s > 0; s = outLink[s]) {
            for (int k = outStart[s]; k < outStart[s + 1]; k++) {
                hits.found(outLiterals[k], end);
            }
        }
    }

    private boolean hasOwn(int state) {
        return outStart[state + 1] > outStart[state];
    }

    private int classOf(char folded) {
        if (folded < 128) {
            return asciiClass[folded];
        }
        int at = Arrays.binarySearch(otherChars, folded);
        return at >= 0 ? otherClass[at] : 0;
    }
}
