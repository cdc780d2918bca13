package io.switchboard.cli;

import io.switchboard.admission.ApiKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Callable;

/** {@code switchboard hash-key}: the SHA-256 that {@code auth.keys[].sha256} takes, or a new key with its hash. */
@Command(name = "hash-key", mixinStandardHelpOptions = true,
        description = {"Print the SHA-256 of an API key in hex, as auth.keys[].sha256 takes it.",
                "The key is read from the first line of standard input, or given with --key.",
                "With --generate: make a new random key (32 bytes) and print it and its SHA-256."})
final class HashKeyCommand implements Callable<Integer> {

    /** Generated keys start with this, so that they are recognisable (e.g. by secret scanners). */
    static final String PREFIX = "sb_";
    private static final int RANDOM_BYTES = 32;
    private static final int SHORT = 16;

    @Option(names = "--key", paramLabel = "KEY",
            description = "The key to hash (it then shows in the shell's history and the process list; "
                    + "standard input does not).")
    String key;

    @Option(names = "--generate", description = "Make a new random key and print it and its SHA-256.")
    boolean generate;

    @Override
    public Integer call() throws IOException {
        if (generate) {
            if (key != null) {
                System.err.println("switchboard hash-key: --generate makes a key; it takes no --key");
                return 2;
            }
            byte[] random = new byte[RANDOM_BYTES];
            new SecureRandom().nextBytes(random);
            String made = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            System.out.println("key:    " + made);
            System.out.println("sha256: " + ApiKeys.sha256Hex(made));
            System.err.println("Give the key to its client and put the sha256 under auth.keys[].sha256; "
                    + "the key is not kept anywhere.");
            return 0;
        }
        String given = key != null ? key : firstLine();
        if (given == null || given.isBlank()) {
            System.err.println("switchboard hash-key: no key given: pipe it in (printf %s \"$KEY\" | switchboard "
                    + "hash-key), pass --key, or make one with --generate");
            return 1;
        }
        given = given.strip();
        if (given.length() < SHORT) {
            System.err.println("switchboard hash-key: a key of " + given.length() + " characters can be guessed; "
                    + "--generate makes one of 32 random bytes");
        }
        System.out.println(ApiKeys.sha256Hex(given));
        return 0;
    }

    private static String firstLine() throws IOException {
        return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    }
}
