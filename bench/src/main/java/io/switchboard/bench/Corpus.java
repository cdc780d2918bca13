package io.switchboard.bench;

import com.fasterxml.jackson.databind.node.TextNode;
import io.switchboard.config.ClassConfig;
import io.switchboard.config.RuleConfig;
import io.switchboard.message.Envelope;
import io.switchboard.message.Priority;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Deterministic rule sets and English-like messages for the classifier benchmark: the same seed always gives the
 * same rules and the same texts, so runs on different machines measure identical work.
 */
final class Corpus {

    /** Filler vocabulary; no rule ever names one of these words, so only planted triggers match. */
    private static final String[] FILLER = ("the a an and or but if then so because while when where which that this "
            + "these those it its we you they he she our your their my me us them is are was were be been being "
            + "have has had do does did can could would should will may might must not no yes very just also only "
            + "about after again against all any as at before between both by during each few for from further here "
            + "how in into more most other out over same some such than through to too under until up what who why "
            + "with within without time day week month year today tomorrow morning evening people team customer "
            + "user system service data report meeting project plan idea question answer result value number list "
            + "message email note draft summary detail change update version release feature document page section "
            + "example reason problem process step part point place way thing work job task goal need help look "
            + "make take give find think know want use try ask tell show call keep start stop move read write send "
            + "open close check review explain describe compare improve prepare share discuss agree please thanks "
            + "good new first last long great little own right big high small large next early young important "
            + "public able clear simple recent quick short final main full easy hard best better sure ready").split(" ");

    private static final String[] ONSETS = {"b", "br", "c", "cl", "d", "dr", "f", "fl", "g", "gr", "k", "l", "m", "n",
            "p", "pl", "qu", "r", "s", "st", "t", "tr", "v", "z"};
    private static final String[] VOWELS = {"a", "e", "i", "o", "u", "ai", "ea", "io"};
    private static final String[] CODAS = {"", "", "n", "r", "l", "x", "m", "s", "nd", "rk"};

    /** Tenants on envelopes; the metadata rules select the rare premium ones. */
    private static final String[] TENANTS = {"acme-free", "acme-pro", "globex-free", "globex-pro", "initech-free",
            "initech-pro", "umbrella-free", "umbrella-pro", "hooli-free", "hooli-pro", "stark-free", "stark-pro",
            "wayne-free", "wayne-pro", "acme-platinum", "globex-gold"};
    private static final String[] CHANNELS = {"api", "web", "batch", "voice"};

    private Corpus() {
    }

    /**
     * A rule set with {@code ruleCount} rules spread over several classes, together with one text per rule that
     * the rule matches (empty for metadata-only rules).
     */
    record RuleSet(List<ClassConfig> classes, List<String> triggers) {
    }

    static RuleSet rules(int ruleCount, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Set<String> filler = Set.of(FILLER);
        Set<String> used = new LinkedHashSet<>();
        int classCount = Math.max(4, ruleCount / 10);
        List<List<RuleConfig>> perClass = new ArrayList<>();
        for (int c = 0; c < classCount; c++) {
            perClass.add(new ArrayList<>());
        }
        List<String> triggers = new ArrayList<>();
        for (int r = 0; r < ruleCount; r++) {
            int score = 1 + random.nextInt(3);
            RuleConfig rule;
            String trigger;
            switch (r % 10) {
                case 0, 1, 2, 3, 4 -> {
                    // keyword list, sometimes with a two-word phrase
                    List<String> keywords = new ArrayList<>();
                    int n = 3 + random.nextInt(4);
                    for (int k = 0; k < n; k++) {
                        String word = term(random, filler, used);
                        keywords.add(k == 0 && r % 2 == 1 ? word + " " + term(random, filler, used) : word);
                    }
                    rule = new RuleConfig(null, null, keywords, null, score);
                    trigger = keywords.get(random.nextInt(n));
                }
                case 5, 6, 7 -> {
                    String a = term(random, filler, used);
                    String b = term(random, filler, used);
                    String c = term(random, filler, used);
                    rule = new RuleConfig(null, List.of("(?i)\\b(" + a + "|" + b + "|" + c + ")\\b"), null, null, score);
                    trigger = switch (random.nextInt(3)) {
                        case 0 -> a;
                        case 1 -> b.toUpperCase(java.util.Locale.ROOT);
                        default -> c;
                    };
                }
                case 8 -> {
                    // an identifier-shaped pattern: prefix, optional separator, digits
                    String a = term(random, filler, used);
                    rule = new RuleConfig(null, List.of("(?i)\\b" + a + "[- #]?\\d{3,6}\\b"), null, null, score);
                    trigger = a + "-" + (1000 + random.nextInt(90_000));
                }
                default -> {
                    if ((r / 10) % 2 == 0) {
                        rule = new RuleConfig(null, null, null, Map.of("tenant", "acme-platinum|globex-gold"), score);
                        trigger = "";
                    } else {
                        String word = term(random, filler, used);
                        rule = new RuleConfig(null, null, List.of(word), Map.of("channel", "voice|batch"), score);
                        trigger = word;
                    }
                }
            }
            perClass.get(r % classCount).add(rule);
            triggers.add(trigger);
        }
        List<ClassConfig> classes = new ArrayList<>();
        Priority[] priorities = Priority.ordered();
        for (int c = 0; c < classCount; c++) {
            classes.add(new ClassConfig("class-" + c, priorities[c % priorities.length], null, null, null, null,
                    perClass.get(c)));
        }
        return new RuleSet(List.copyOf(classes), List.copyOf(triggers));
    }

    /**
     * {@code count} envelopes of exactly {@code size} ASCII characters; about one in three carries a trigger of a
     * random rule somewhere in its text. Each envelope has tenant and channel metadata.
     */
    static Envelope[] envelopes(RuleSet rules, int count, int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> textTriggers = rules.triggers().stream().filter(t -> !t.isEmpty()).toList();
        Envelope[] out = new Envelope[count];
        for (int i = 0; i < count; i++) {
            String trigger = random.nextInt(3) == 0 ? textTriggers.get(random.nextInt(textTriggers.size())) : null;
            String text = text(random, size, trigger);
            Map<String, String> metadata = Map.of(
                    "tenant", TENANTS[random.nextInt(TENANTS.length)],
                    "channel", CHANNELS[random.nextInt(CHANNELS.length)]);
            out[i] = new Envelope(TextNode.valueOf(text), metadata, null, null, null, null);
        }
        return out;
    }

    /** Sentences of filler words cut to exactly {@code size} characters, with {@code trigger} (if any) planted whole. */
    static String text(SplittableRandom random, int size, String trigger) {
        StringBuilder sb = new StringBuilder(size + 64);
        while (sb.length() < size) {
            int words = 6 + random.nextInt(12);
            for (int w = 0; w < words; w++) {
                String word = FILLER[random.nextInt(FILLER.length)];
                if (w == 0) {
                    sb.append(Character.toUpperCase(word.charAt(0))).append(word, 1, word.length());
                } else {
                    sb.append(word);
                }
                sb.append(w == words - 1 ? ". " : (random.nextInt(9) == 0 ? ", " : " "));
            }
        }
        if (trigger != null) {
            int room = size - trigger.length() - 2;
            int at = room <= 0 ? 0 : sb.indexOf(" ", random.nextInt(room)) + 1;
            if (at <= 0 || at > room) {
                at = 0;
            }
            sb.insert(at, trigger + " ");
        }
        sb.setLength(size);
        return sb.toString();
    }

    /** A made-up word of two or three syllables that is neither filler nor already used by another rule. */
    private static String term(SplittableRandom random, Set<String> filler, Set<String> used) {
        while (true) {
            StringBuilder sb = new StringBuilder();
            int syllables = 2 + random.nextInt(2);
            for (int s = 0; s < syllables; s++) {
                sb.append(ONSETS[random.nextInt(ONSETS.length)]).append(VOWELS[random.nextInt(VOWELS.length)]);
            }
            sb.append(CODAS[random.nextInt(CODAS.length)]);
            String word = sb.toString();
            if (!filler.contains(word) && used.add(word)) {
                return word;
            }
        }
    }
}
