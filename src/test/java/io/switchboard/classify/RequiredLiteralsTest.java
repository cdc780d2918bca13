package io.switchboard.classify;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class RequiredLiteralsTest {

    @Test
    void alternationInsideWordBoundariesYieldsEveryAlternative() {
        assertThat(RequiredLiterals.describe("(?i)\\b(strategy|plan|analy[sz]e)\\b"))
                .containsExactly("analyse", "analyze", "plan", "strategy");
    }

    @Test
    void literalsAreFoldedWhateverTheCaseModeOfTheRegex() {
        assertThat(RequiredLiterals.describe("Deploy NOW")).containsExactly("deploy now");
        assertThat(RequiredLiterals.describe("(?iu)Straße")).containsExactly("stra");
    }

    @Test
    void theLongestMandatoryRunWins() {
        assertThat(RequiredLiterals.describe("ab.*incident-\\d+")).containsExactly("incident-");
        assertThat(RequiredLiterals.describe("^\\s*(?:error|fatal):")).containsExactly("error:", "fatal:");
    }

    @Test
    void optionalPartsAreNeverRequired() {
        assertThat(RequiredLiterals.describe("colou?r")).containsExactly("colo");
        assertThat(RequiredLiterals.describe("(?:please )?deploy")).containsExactly("deploy");
        assertThat(RequiredLiterals.describe("x*(abc)+")).containsExactly("abc");
    }

    @Test
    void quotedTextIsLiteralAndAQuantifierAfterItBindsToItsLastCharacter() {
        assertThat(RequiredLiterals.describe("\\Qa.b\\E*")).containsExactly("a.");
        assertThat(RequiredLiterals.describe("\\Q(x)\\E")).containsExactly("(x)");
    }

    @Test
    void lookaroundsAndFlagGroupsAddNoLiteralButDoNotBreakTheRun() {
        assertThat(RequiredLiterals.describe("(?<=\\$)price(?=:)")).containsExactly("price");
        assertThat(RequiredLiterals.describe("go(?i)od")).containsExactly("good");
        assertThat(RequiredLiterals.describe("(?<id>ticket)-(?:\\d+)")).containsExactly("ticket-");
    }

    @Test
    void boundedRegexesReportTheirLongestMatchInCodeUnits() {
        assertThat(RequiredLiterals.of("\\bplan\\b").maxLength()).isEqualTo(8);
        assertThat(RequiredLiterals.of("a{2,3}b?").maxLength()).isEqualTo(8);
        assertThat(RequiredLiterals.of("plan.*").bounded()).isFalse();
        assertThat(RequiredLiterals.of("(a)\\1b").bounded()).as("a back-reference has no bound").isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "\\d+", ".*", "a|\\w+", "(?x) plan", "(?x:plan)", "\\p{L}plan|x", "\\x41", "\\u0041", "[[a-z]&&[^b]]plan|q",
            "plan|", "(plan)?", "\\Gplan", "\\b{g}plan|x", "\\0101", "\\k<n>", "é", "[é]", "[^a]", "[a-c]"})
    void regexesWithoutAProvableLiteralAlwaysRun(String regex) {
        assertThat(RequiredLiterals.of(regex)).isNull();
    }

    @Test
    void tooManyAlternativesFallBackToAShorterRequiredPart() {
        StringBuilder alternatives = new StringBuilder("(?:");
        for (int i = 0; i < 40; i++) {
            alternatives.append(i == 0 ? "" : "|").append("w").append(i);
        }
        assertThat(RequiredLiterals.describe(alternatives + ")")).isEmpty();
        assertThat(RequiredLiterals.describe("ticket" + alternatives + ")")).containsExactly("ticket");
    }
}
