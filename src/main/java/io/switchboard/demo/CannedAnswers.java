package io.switchboard.demo;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Locale;

/** The short, plausible answers a simulated worker gives, shaped by the message's class. */
final class CannedAnswers {

    private static final int QUOTE_CHARS = 60;

    private CannedAnswers() {
    }

    static String answer(String messageClass, JsonNode content) {
        String quote = quote(content);
        String kind = messageClass == null ? "" : messageClass.toLowerCase(Locale.ROOT);
        if (kind.contains("strategic")) {
            return "Strategic answer to \"" + quote + "\": three options weighed; recommend the second, "
                    + "staged over two quarters, with a checkpoint after the first milestone.";
        }
        if (kind.contains("tactical")) {
            return "Tactical step done for \"" + quote + "\": action taken, no follow-up needed.";
        }
        String shown = messageClass == null ? "unclassified" : messageClass;
        return "Handled \"" + quote + "\" (class " + shown + ").";
    }

    private static String quote(JsonNode content) {
        String text = content == null || content.isNull() ? ""
                : content.isTextual() ? content.textValue() : content.toString();
        text = text.strip().replaceAll("\\s+", " ");
        return text.length() <= QUOTE_CHARS ? text : text.substring(0, QUOTE_CHARS - 1) + "…";
    }
}
