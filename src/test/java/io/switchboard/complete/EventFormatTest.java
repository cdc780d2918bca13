package io.switchboard.complete;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.message.Envelope;
import io.switchboard.message.Priority;
import io.switchboard.store.DeadLetterReason;
import io.switchboard.store.MessageStatus;
import io.switchboard.store.StoredMessage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Events shaped by a sink's template and filtered by outcome. */
class EventFormatTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final long ACCEPTED = 1_762_500_000_000L;

    static StoredMessage fetched() throws Exception {
        JsonNode command = JSON.readTree("""
                {"command":"fetch","chat":"@ru_python","mode":"date","date":"2025-11-07","strategy":"batch",
                 "requested_by":"scheduler","timestamp":"2025-11-07T06:00:00Z"}""");
        Envelope e = new Envelope(command, Map.of("source", "scheduler"), null, null, null, null);
        byte[] result = "{\"message_count\":1843,\"file_path\":\"/data/ru_python/2025-11-07.json\"}"
                .getBytes(StandardCharsets.UTF_8);
        return new StoredMessage("m1", "r1", e, "fetch", Priority.NORMAL, "fetchers", MessageStatus.DELIVERED, 1, 0,
                60_000, ACCEPTED, ACCEPTED + 12_345, ACCEPTED + 60_000, ACCEPTED, ACCEPTED + 12_345, "fetcher-2",
                List.of(), result, null, null);
    }

    static Map<String, String> seedTemplate() {
        Map<String, String> t = new LinkedHashMap<>();
        t.put("event", "messages_fetched");
        t.put("chat", "{{content.chat}}");
        t.put("date", "{{content.date}}");
        t.put("message_count", "{{result.message_count}}");
        t.put("file_path", "{{result.file_path}}");
        t.put("duration_seconds", "{{duration_seconds}}");
        t.put("timestamp", "{{timestamp}}");
        t.put("service", "tg-fetcher");
        return t;
    }

    @Test
    void aTemplateProducesTheSeedsMessagesFetchedEventExactly() throws Exception {
        byte[] event = EventFormat.of(EventFormat.When.DELIVERED, seedTemplate()).format(fetched());

        assertThat(new String(event, StandardCharsets.UTF_8)).isEqualTo("{\"event\":\"messages_fetched\","
                + "\"chat\":\"@ru_python\",\"date\":\"2025-11-07\",\"message_count\":1843,"
                + "\"file_path\":\"/data/ru_python/2025-11-07.json\",\"duration_seconds\":12.345,"
                + "\"timestamp\":\"2025-11-07T07:20:12.345Z\",\"service\":\"tg-fetcher\"}");
    }

    @Test
    void textWithPlaceholdersIsInterpolatedAndWhatAPathMissesIsNullOrEmpty() throws Exception {
        Map<String, String> t = new LinkedHashMap<>();
        t.put("summary", "{{content.chat}} on {{content.date}}: {{result.message_count}} ({{result.nope}})");
        t.put("missing", "{{result.nothing.here}}");
        t.put("worker", "{{ worker }}");
        t.put("source", "{{metadata.source}}");

        JsonNode event = JSON.readTree(EventFormat.of(EventFormat.When.ALL, t).format(fetched()));

        assertThat(event.get("summary").asText()).isEqualTo("@ru_python on 2025-11-07: 1843 ()");
        assertThat(event.get("missing").isNull()).isTrue();
        assertThat(event.get("worker").asText()).isEqualTo("fetcher-2");
        assertThat(event.get("source").asText()).isEqualTo("scheduler");
    }

    @Test
    void aSinkForDeliveriesIsNotToldOfDeadLettersAndTheOtherWayRound() throws Exception {
        StoredMessage ok = fetched();
        StoredMessage dead = new StoredMessage("m2", "r2", ok.envelope(), "fetch", Priority.NORMAL, "fetchers",
                MessageStatus.DEAD_LETTERED, 3, 0, 60_000, ACCEPTED, ACCEPTED, ACCEPTED, ACCEPTED, ACCEPTED + 5,
                "fetcher-1", List.of(), null, DeadLetterReason.MAX_ATTEMPTS, null);

        assertThat(EventFormat.of(EventFormat.When.DELIVERED, null).format(dead)).isNull();
        assertThat(EventFormat.of(EventFormat.When.DEAD_LETTERED, null).format(ok)).isNull();
        assertThat(JSON.readTree(EventFormat.of(EventFormat.When.DEAD_LETTERED, null).format(dead))
                .get("event").asText()).isEqualTo("message_dead_lettered");
        assertThat(EventFormat.standard().format(ok)).isEqualTo(CompletionEvent.of(ok));
    }
}
