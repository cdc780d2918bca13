package io.switchboard.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Regexes that backtrack catastrophically are refused when the config is loaded, with the key that holds them. */
class BacktrackingCheckTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"(a+)+", "(a*)*", "(a|a)*", "(.*a){20}", "(\\w+\\s*)*$", "(\\w|\\d)+", "(.|\\s)*",
            "^(\\d+)*$", "(a|aa)+", "((a+)b?)*", "(?i)(A|a)+x", "(x+x+)+y", "([a-z]+)*@", "(?:a+){3,}",
            "(?i:(\\w+\\d+)+)", "\\Qok\\E(a+)+", "(?=(a+)+)"})
    void nestedOrAmbiguousRepetitionIsFlagged(String regex) {
        assertThat(BacktrackingCheck.problem(regex)).as(regex).isNotNull()
                .contains("repeats").contains("possessive");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "(?i)\\b(strategy|strategic|plan|planning|analy[sz]e|analysis|architecture|long-term|trade-?offs?)\\b",
            "(?i)\\b(press|move|next|click|tap|go)\\b", "(\\d+\\.){3}\\d+", "(?:\\s*,\\s*\\w+)*", "(?:[^\"\\\\]|\\\\.)*",
            "(a++)+", "(?>a+)+", "(a+)++", "(?:foo|bar)+", "([a-z]|[0-9])+", "(?:\\r\\n|\\n|\\r)+", "(\\w+\\s?){2}",
            "(ab|a)+", "[a-z]+(?:-[a-z]+)*", "(?i)\\bplan\\d\\b", "ab(?=x)", "@ru_.*", "(?s).*", "\\d+",
            "(\\w+@\\w+\\.)+com", "(?i)\\bticket[- #]?\\d{3,6}\\b", "[\\p{L}&&[^a]]+", "(é|ß)+", "(\\x41|b)+"})
    void realisticAndUnambiguousRegexesPass(String regex) {
        assertThat(BacktrackingCheck.problem(regex)).as(regex).isNull();
    }

    @Test
    void theProblemNamesTheRepetitionAtFault() {
        assertThat(BacktrackingCheck.problem("^ok (\\d+)*$")).startsWith("'(\\d+)*' repeats a part that can match a run");
        assertThat(BacktrackingCheck.problem("x(a|a)*y")).startsWith("'(a|a)*' repeats alternatives");
    }

    @Test
    void configLoaderRefusesItWithFileKeyAndReason() throws Exception {
        Path file = dir.resolve("switchboard.yaml");
        Files.writeString(file, """
                classes:
                  - name: chat
                    patterns: ['hello', '(a|a)*b']
                  - name: code
                    rules:
                      - {name: ok, patterns: ['fine']}
                      - {name: slow, patterns: ['x', '^(\\w+\\s?)*$']}
                  - name: fetch
                    fields: {chat: '~@(\\w+)+_x'}
                default_class: chat
                pools: {main: {workers: [{id: w1, url: "http://127.0.0.1:9/work"}]}}
                routes: [{class: chat, pool: main}, {class: code, pool: main}, {class: fetch, pool: main}]
                """);

        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.load(file, Optional.empty(), Map.of()));

        List<String> lines = e.problems().stream().map(ConfigProblem::toString).toList();
        assertThat(lines).anySatisfy(l -> assertThat(l)
                .startsWith(file + ":classes[0].patterns[1]: '(a|a)*b' can backtrack catastrophically: '(a|a)*' repeats"));
        assertThat(lines).anySatisfy(l -> assertThat(l)
                .startsWith(file + ":classes[1].rules[1].patterns[1]: '^(\\w+\\s?)*$' can backtrack catastrophically"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith(file + ":classes[2].fields.chat: '@(\\w+)+_x'"));
    }

    @Test
    void aMetadataMatcherIsCheckedToo() {
        InvalidValueException e = catchThrowableOfType(InvalidValueException.class,
                () -> new RuleConfig(null, null, null, Map.of("tier", "(.*a){20}"), 1));

        assertThat(e.key()).isEqualTo("metadata.tier");
        assertThat(e.reason()).contains("can backtrack catastrophically", "'(.*a){20}'");
    }
}
