package io.switchboard.observe;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import io.switchboard.config.LoggingConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Secret header values are masked in every rendered log line, in the shapes lines show them. */
class HeaderRedactionTest {

    final HeaderRedaction redaction = HeaderRedaction.of(List.of("X-Provider-Key"));

    @Test
    void masksValuesAsMessagesKeyValuesAndJsonShowThem() {
        assertThat(redaction.apply("Authorization: Bearer sk-1, x-api-key=k2, COOKIE: a=b; c=d"))
                .isEqualTo("Authorization: ***, x-api-key=***, COOKIE: ***");
        assertThat(redaction.apply("{Authorization=Basic dTpw, X-Provider-Key=p4}"))
                .isEqualTo("{Authorization=***, X-Provider-Key=***}");
        assertThat(redaction.apply("{\"x-api-key\":\"k2\",\"worker\":\"a\"}"))
                .isEqualTo("{\"x-api-key\":\"***\",\"worker\":\"a\"}");
        assertThat(redaction.apply("{\"message\":\"headers {\\\"Authorization\\\": \\\"Bearer sk-1\\\"}\"}"))
                .isEqualTo("{\"message\":\"headers {\\\"Authorization\\\": \\\"***\\\"}\"}");
        assertThat(redaction.apply("{\"message\":\"POST /v1 HTTP/1.1\\r\\nProxy-Authorization: Basic eDp5\\r\\nHost: a\"}"))
                .isEqualTo("{\"message\":\"POST /v1 HTTP/1.1\\r\\nProxy-Authorization: ***\\r\\nHost: a\"}");
        assertThat(redaction.apply("x_provider_key=\"p4\" x-provider-key=p5")).isEqualTo("x_provider_key=\"***\" x-provider-key=***");
    }

    @Test
    void leavesLinesAloneThatOnlyMentionAHeader() {
        for (String line : new String[] {"authorization failed for worker a", "no X-API-Key header",
                "cookies: 3", "my-authorization: x", "routed class=chat worker=a"}) {
            assertThat(redaction.apply(line)).isSameAs(line);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"logback.xml", "logback-text.xml"})
    void shippedConfigurationsMaskTheStandardHeaders(String resource) throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(getClass().getClassLoader().getResource(resource));
        var appender = (OutputStreamAppender<ILoggingEvent>) context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
                .getAppender("STDOUT");

        String line = render(appender.getEncoder(), context, "got Authorization: Bearer sk-123");

        assertThat(line).contains("got Authorization: ***").doesNotContain("sk-123");
        context.stop();
    }

    @Test
    void logSetupAddsTheConfiguredHeadersToTheConsole() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level rootLevel = root.getLevel();
        var out = new ByteArrayOutputStream();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setName("redaction-test");
        ch.qos.logback.classic.encoder.PatternLayoutEncoder plain = new ch.qos.logback.classic.encoder.PatternLayoutEncoder();
        plain.setContext(context);
        plain.setPattern("%msg%n");
        plain.start();
        appender.setEncoder(plain);
        appender.setOutputStream(out);
        appender.start();
        root.addAppender(appender);
        try {
            LogSetup.apply(new LoggingConfig("text", "INFO", Map.of(), null, null, null, List.of("X-Provider-Key")),
                    "text", Map.of());
            LoggerFactory.getLogger("redaction-test").info("sent X-Provider-Key: pk-42, Cookie: c=1");

            assertThat(out.toString(StandardCharsets.UTF_8)).contains("sent X-Provider-Key: ***, Cookie: ***")
                    .doesNotContain("pk-42");
        } finally {
            root.detachAppender(appender);
            appender.stop();
            root.setLevel(rootLevel);
        }
    }

    @Test
    void debugOnLibrariesThatPrintRawTrafficNeedsIncludeContent() {
        var e = org.assertj.core.api.Assertions.catchThrowableOfType(io.switchboard.config.InvalidValueException.class,
                () -> new LoggingConfig(null, null, Map.of("org.eclipse.jetty.http", "debug"), null, null, null, null));
        assertThat(e.key()).isEqualTo("levels.org.eclipse.jetty.http");
        assertThat(e.reason()).endsWith("it needs include_content: true");

        assertThat(new LoggingConfig(null, null, Map.of("org.eclipse.jetty.http", "DEBUG", "io.switchboard", "TRACE"),
                null, null, true, null).levels()).containsKey("org.eclipse.jetty.http");
        assertThat(new LoggingConfig(null, null, Map.of("io.lettuce", "WARN", "org.eclipse", "DEBUG"), null, null,
                null, null).includeContent()).isFalse();
    }

    private static String render(Encoder<ILoggingEvent> encoder, LoggerContext context, String message) {
        LoggingEvent event = new LoggingEvent("test", context.getLogger("test"), Level.INFO, message, null, null);
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }
}
