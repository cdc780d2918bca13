package io.switchboard.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The prompts the traffic generator sends: a realistic mix of strategic and tactical requests, some with
 * metadata and an explicit priority. Strategic prompts carry a word the default config's strategic rule
 * matches (strategy, plan, analyse); tactical ones carry none of those.
 */
final class DemoPrompts {

    static final List<String> STRATEGIC = List.of(
            "analyze the long-term strategy for the gym",
            "plan the Q3 roadmap for the mobile app, with milestones and owners",
            "analyse churn across our three pricing tiers and what it means for retention",
            "what strategy should we take for the European launch?",
            "plan a migration from the monolith to services over two quarters",
            "analyze competitor pricing and recommend where we should position",
            "plan the hiring for the platform team for the coming year",
            "outline a strategy to cut cloud spend by 20% without slowing delivery");

    static final List<String> TACTICAL = List.of(
            "press the red button",
            "move to the next step",
            "press enter to confirm the form",
            "move the card to done",
            "next page of results, please",
            "press save and close the dialog",
            "move the meeting to 3pm",
            "translate 'good morning' into French",
            "summarize this sentence in five words: the build is green again",
            "what is 17 times 23?");

    private static final double STRATEGIC_SHARE = 0.25;
    private static final double METADATA_SHARE = 0.30;
    private static final String[] CHANNELS = {"web", "slack", "cli"};
    private static final ObjectMapper JSON = new ObjectMapper();

    private DemoPrompts() {
    }

    /** One request body, drawn from {@code random}; a pure function of the generator's state. */
    static String nextBody(RandomGenerator random) {
        boolean strategic = random.nextDouble() < STRATEGIC_SHARE;
        List<String> prompts = strategic ? STRATEGIC : TACTICAL;
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("content", prompts.get(random.nextInt(prompts.size())));
        if (random.nextDouble() < METADATA_SHARE) {
            body.putObject("metadata")
                    .put("user_id", "u-" + (1000 + random.nextInt(40)))
                    .put("channel", CHANNELS[random.nextInt(CHANNELS.length)]);
        }
        String priority = priority(random.nextDouble());
        if (priority != null) {
            body.put("priority", priority);
        }
        try {
            return JSON.writeValueAsString(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("an ObjectNode of strings always serializes", e);
        }
    }

    /** Most messages leave priority to the classifier; a few ask for one explicitly. */
    private static String priority(double draw) {
        if (draw < 0.02) {
            return "CRITICAL";
        }
        if (draw < 0.07) {
            return "HIGH";
        }
        if (draw < 0.12) {
            return "LOW";
        }
        return null;
    }
}
