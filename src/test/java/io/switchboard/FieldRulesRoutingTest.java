package io.switchboard;

import io.switchboard.testing.Http;
import io.switchboard.testing.TestRig;
import io.switchboard.testing.TestWorker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** A class decided by fields of JSON content sends the fetcher's commands to their own pool over HTTP. */
class FieldRulesRoutingTest {

    static final String CONFIG = """
            server: {port: 0}
            classes:
              - name: fetch
                fields: {command: fetch, chat: '~@\\w+', mode: date}
              - {name: general, keywords: [fetch]}
            default_class: general
            pools:
              fetchers: {workers: [{id: fetcher-1, url: "{{fetcher-1}}"}]}
              llm: {workers: [{id: llm-1, url: "{{llm-1}}"}]}
            routes:
              - {class: fetch, pool: fetchers}
              - {class: general, pool: llm}
            """;

    static final String SEED = "{\"command\":\"fetch\",\"chat\":\"@ru_python\",\"mode\":\"date\","
            + "\"date\":\"2025-11-07\","
            + "\"strategy\":\"batch\"}";

    @RegisterExtension
    final TestRig rig = new TestRig();

    @Test
    void fetchCommandsGoToTheFetchersAndEverythingElseToTheOtherPool() {
        TestWorker fetcher = rig.worker("fetcher-1");
        TestWorker llm = rig.worker("llm-1");
        Switchboard engine = rig.engine(CONFIG, fetcher, llm);

        var asObject = Http.postJson(engine.port(), "/v1/route", "{\"content\":" + SEED + "}");
        var asText = Http.postJson(engine.port(), "/v1/route", "{\"content\":" + quoted(SEED) + "}");
        var otherCommand = Http.postJson(engine.port(), "/v1/route",
                "{\"content\":" + SEED.replace("\"mode\":\"date\"", "\"mode\":\"range\"") + "}");
        var prose = Http.postJson(engine.port(), "/v1/route", "{\"content\":\"fetch me the news about @ru_python\"}");

        assertThat(asObject.status()).isEqualTo(200);
        assertThat(asObject.header("X-Switchboard-Class")).isEqualTo("fetch");
        assertThat(asObject.json().path("worker").asText()).isEqualTo("fetcher-1");
        assertThat(asText.json().path("pool").asText()).isEqualTo("fetchers");
        assertThat(otherCommand.json().path("pool").asText()).isEqualTo("llm");
        assertThat(prose.json().path("pool").asText()).isEqualTo("llm");
        assertThat(fetcher.count()).isEqualTo(2);
        assertThat(llm.count()).isEqualTo(2);
        assertThat(fetcher.received().getFirst().body().path("content").path("chat").asText()).isEqualTo("@ru_python");
    }

    @Test
    void classifyExplainsWhichFieldsMatched() {
        Switchboard engine = rig.engine(CONFIG, rig.worker("fetcher-1"), rig.worker("llm-1"));

        var answer = Http.postJson(engine.port(), "/v1/classify", "{\"content\":" + SEED + "}");

        assertThat(answer.status()).isEqualTo(200);
        var body = answer.json();
        assertThat(body.path("class").asText()).isEqualTo("fetch");
        assertThat(body.path("pool").asText()).isEqualTo("fetchers");
        assertThat(body.path("matched_rules").get(0).path("rule").asText()).isEqualTo("fetch#0");
        assertThat(body.path("matched_rules").get(0).path("matched").asText())
                .isEqualTo("chat=@ru_python,command=fetch,mode=date");
        assertThat(body.path("matched_rules").get(1).path("matched").asText()).isEqualTo("fetch");
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
