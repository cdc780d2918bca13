package io.switchboard.cli;

import io.switchboard.admission.ApiKeys;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code switchboard hash-key}: what it prints for a key on standard input or --key, and for --generate. */
class HashKeyCommandTest {

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String stdin, String... args) {
        InputStream oldIn = System.in;
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = Main.commandLine().execute(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setIn(oldIn);
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void printsTheSha256OfTheKeyOnStandardInputAndNothingElse() {
        Run r = run("a-long-enough-api-key-0123\n", "hash-key");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(ApiKeys.sha256Hex("a-long-enough-api-key-0123") + System.lineSeparator());
        assertThat(r.err()).isEmpty();
    }

    @Test
    void takesTheKeyFromTheOptionTooAndWarnsAboutAShortOne() {
        Run r = run("", "hash-key", "--key", "abc");

        assertThat(r.exit()).isZero();
        assertThat(r.out().strip()).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(r.err()).contains("can be guessed", "--generate");
    }

    @Test
    void generatesARandomKeyAndPrintsItWithItsHash() {
        Run first = run("", "hash-key", "--generate");
        Run second = run("", "hash-key", "--generate");

        assertThat(first.exit()).isZero();
        String[] lines = first.out().strip().split("\\R");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).startsWith("key:    sb_");
        String key = lines[0].substring("key:    ".length());
        assertThat(key).hasSize(3 + 43).matches("sb_[A-Za-z0-9_-]{43}");
        assertThat(lines[1]).isEqualTo("sha256: " + ApiKeys.sha256Hex(key));
        assertThat(second.out()).doesNotContain(key);
    }

    @Test
    void noKeyIsAnErrorAndGenerateTakesNoKey() {
        assertThat(run("", "hash-key").exit()).isEqualTo(1);
        assertThat(run("", "hash-key").err()).contains("no key given");
        assertThat(run("", "hash-key", "--generate", "--key", "x").exit()).isEqualTo(2);
        assertThat(run("", "hash-key", "--help").out()).contains("Usage: switchboard hash-key", "--generate", "--key");
    }
}
