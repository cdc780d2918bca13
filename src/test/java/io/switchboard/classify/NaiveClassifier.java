package io.switchboard.classify;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.config.ClassConfig;
import io.switchboard.config.RuleConfig;
import io.switchboard.message.Envelope;
import io.switchboard.message.Json;
import io.switchboard.message.Priority;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The obvious implementation of the classification rules: every regex over the whole text, every keyword by search,
 * and for field matchers the whole text parsed into a tree, once per rule.
 */
final class NaiveClassifier {

    private record Entry(String className, RuleConfig rule, int order) {
    }

    private record Hit(Entry entry, String what) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, Priority> priorities = new java.util.LinkedHashMap<>();
    private final String defaultClass;

    NaiveClassifier(List<ClassConfig> classes, String defaultClass, Priority defaultPriority) {
        for (ClassConfig c : classes) {
            priorities.put(c.name(), c.priority());
            for (RuleConfig r : c.allRules()) {
                entries.add(new Entry(c.name(), r, entries.size()));
            }
        }
        priorities.putIfAbsent(defaultClass, defaultPriority);
        this.defaultClass = defaultClass;
    }

    Classification classify(Envelope envelope) {
        if (envelope.className() != null) {
            Priority p = envelope.priority() != null ? envelope.priority() : priorities.get(envelope.className());
            return new Classification(envelope.className(), p, Classification.Source.EXPLICIT, List.of());
        }
        String text = envelope.text();
        List<Hit> hits = new ArrayList<>();
        for (Entry e : entries) {
            String what = match(e.rule(), text, envelope.metadata());
            if (what != null) {
                hits.add(new Hit(e, what));
            }
        }
        Priority explicit = envelope.priority();
        if (hits.isEmpty()) {
            Priority p = explicit != null ? explicit : priorities.get(defaultClass);
            return new Classification(defaultClass, p, Classification.Source.DEFAULT, List.of());
        }
        hits.sort(Comparator.comparingInt((Hit h) -> -h.entry().rule().score()).thenComparingInt(h -> h.entry().order()));
        List<MatchedRule> matched = hits.stream()
                .map(h -> new MatchedRule(h.entry().rule().name(), h.entry().className(), h.entry().rule().score(), h.what()))
                .toList();
        String winner = hits.getFirst().entry().className();
        return new Classification(winner, explicit != null ? explicit : priorities.get(winner), Classification.Source.RULE, matched);
    }

    private static String match(RuleConfig rule, String text, Map<String, String> metadata) {
        for (var m : rule.metadata().entrySet()) {
            String value = metadata.get(m.getKey());
            if (value == null || !Pattern.compile(m.getValue()).matcher(value).matches()) {
                return null;
            }
        }
        List<String> fieldsMatched = new ArrayList<>();
        if (!rule.fields().isEmpty()) {
            JsonNode document = object(text);
            if (document == null) {
                return null;
            }
            for (String path : new TreeSet<>(rule.fields().keySet())) {
                String value = valueAt(document, path);
                String matcher = rule.fields().get(path);
                boolean matches = value != null && (matcher.startsWith("~")
                        ? Pattern.compile(matcher.substring(1)).matcher(value).matches()
                        : matcher.equals(value));
                if (!matches) {
                    return null;
                }
                fieldsMatched.add(path + "=" + cut(value));
            }
        }
        if (rule.patterns().isEmpty() && rule.keywords().isEmpty()) {
            List<String> label = new ArrayList<>(new TreeSet<>(rule.metadata().keySet()));
            label.addAll(fieldsMatched);
            return String.join(",", label);
        }
        String folded = TextFold.fold(text);
        for (String keyword : rule.keywords()) {
            String k = keyword.strip();
            String fk = TextFold.fold(k);
            boolean wordStart = TextFold.isWord(fk.codePointAt(0));
            boolean wordEnd = TextFold.isWord(fk.codePointBefore(fk.length()));
            for (int at = folded.indexOf(fk); at >= 0; at = folded.indexOf(fk, at + 1)) {
                if (TextFold.standsAlone(text, at, at + fk.length(), wordStart, wordEnd)) {
                    return k;
                }
            }
        }
        for (String regex : rule.patterns()) {
            Matcher m = Pattern.compile(regex).matcher(text);
            if (m.find()) {
                return cut(m.group());
            }
        }
        return null;
    }

    private static String cut(String s) {
        return s.length() <= 64 ? s : s.substring(0, Character.isHighSurrogate(s.charAt(63)) ? 63 : 64) + "…";
    }

    /** The text as a JSON object, or null when it is anything else. */
    private static JsonNode object(String text) {
        try {
            JsonNode tree = Json.mapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(text);
            return tree != null && tree.isObject() ? tree : null;
        } catch (JacksonException e) {
            return null;
        }
    }

    private static String valueAt(JsonNode document, String path) {
        JsonNode node = document;
        for (String name : path.split("\\.")) {
            node = node.isObject() ? node.get(name) : null;
            if (node == null) {
                return null;
            }
        }
        return node.isNull() || node.isContainerNode() ? null : node.asText();
    }
}
