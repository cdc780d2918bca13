package io.switchboard.classify;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

import static org.assertj.core.api.Assertions.assertThat;

class LiteralAutomatonTest {

    private static List<String> hits(LiteralAutomaton automaton, List<String> literals, String text) {
        List<String> out = new ArrayList<>();
        automaton.scan(text, (literal, end) -> out.add(literals.get(literal) + "@" + end));
        return out;
    }

    @Test
    void reportsOverlappingAndNestedOccurrencesAtTheirEnds() {
        List<String> literals = List.of("he", "she", "his", "hers");
        LiteralAutomaton automaton = LiteralAutomaton.of(literals);

        assertThat(hits(automaton, literals, "ushers")).containsExactlyInAnyOrder("she@4", "he@4", "hers@6");
    }

    @Test
    void matchesCaseInsensitivelyIncludingCharactersBeyondLatin1() {
        List<String> literals = List.of("plan", "straße", "ωμέγα");
        LiteralAutomaton automaton = LiteralAutomaton.of(literals);

        assertThat(hits(automaton, literals, "PLAN Straße ΩΜΈΓΑ")).containsExactly("plan@4", "straße@11", "ωμέγα@17");
    }

    @Test
    void findsExactlyWhatRepeatedIndexOfFindsOnRandomInput() {
        RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(3);
        String alphabet = "abAB é";
        for (int round = 0; round < 500; round++) {
            List<String> literals = new ArrayList<>();
            for (int i = 1 + random.nextInt(6); i > 0; i--) {
                literals.add(randomString(random, alphabet, 1 + random.nextInt(4)));
            }
            String text = randomString(random, alphabet, random.nextInt(300));
            List<String> expected = new ArrayList<>();
            String folded = TextFold.fold(text);
            for (int id = 0; id < literals.size(); id++) {
                String literal = TextFold.fold(literals.get(id));
                for (int at = folded.indexOf(literal); at >= 0; at = folded.indexOf(literal, at + 1)) {
                    expected.add(literals.get(id) + "@" + (at + literal.length()));
                }
            }
            assertThat(hits(LiteralAutomaton.of(literals), literals, text)).as("%s in %s", literals, text)
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    private static String randomString(RandomGenerator random, String alphabet, int length) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }
}
