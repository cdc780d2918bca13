package io.switchboard.observe;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import io.switchboard.config.LogFileConfig;
import io.switchboard.config.LoggingConfig;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URL;
import java.util.Locale;
import java.util.Map;

/**
 * Applies the {@code logging} section to Logback at startup: the format (JSON or text), the root and per-logger
 * levels, an optional rotating file, and the header names masked in every line. Process-wide, so only the command
 * line calls it, never the engine itself.
 */
public final class LogSetup {

    /** Environment variables that win over the config file. */
    public static final String LEVEL_ENV = "SWITCHBOARD_LOG_LEVEL";
    public static final String FORMAT_ENV = "SWITCHBOARD_LOG_FORMAT";
    static final String TEXT_PATTERN =
            "%d{HH:mm:ss.SSS} %-5level %-12logger{0} %msg%replace( request_id=%X{request_id}){' request_id=$', ''}"
                    + "%replace( api_key=%X{api_key}){' api_key=$', ''} %kvp{NONE}%n";

    private LogSetup() {
    }

    /**
     * Picks the console format before anything logs: {@code flag} (from the command line) wins, then
     * {@value #FORMAT_ENV}; null when neither says, so the config file decides later in {@link #apply}.
     */
    public static String preferredFormat(String flag, Map<String, String> env) {
        String format = flag != null ? flag : env.get(FORMAT_ENV);
        if (format == null || format.isBlank()) {
            return null;
        }
        format = format.toLowerCase(Locale.ROOT);
        if (!LoggingConfig.FORMATS.contains(format)) {
            throw new IllegalArgumentException("log format must be json or text, got '" + format + "'");
        }
        if (format.equals("text")) {
            System.setProperty("logback.configurationFile", "logback-text.xml");
        }
        return format;
    }

    /**
     * Applies the config: the console format (unless {@code preferred}, from {@link #preferredFormat}, already
     * fixed it), the root level ({@value #LEVEL_ENV} wins), per-logger levels and the rotating file.
     */
    public static void apply(LoggingConfig config, String preferred, Map<String, String> env) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        String format = preferred != null ? preferred : config.format();
        if (preferred == null && format.equals("text")) {
            reconfigure(context, "logback-text.xml");
        }
        String rootLevel = env.getOrDefault(LEVEL_ENV, config.level());
        context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(rootLevel, Level.INFO));
        config.levels().forEach((name, level) -> context.getLogger(name).setLevel(Level.toLevel(level)));
        HeaderRedaction redaction = HeaderRedaction.of(config.redactHeaders());
        redactConsole(context, redaction);
        if (config.file() != null) {
            addFile(context, config.file(), format, redaction);
        }
        // Key names must not collide with the JSON encoder's own fields (ts, level, logger, thread, message).
        var event = LoggerFactory.getLogger(LogSetup.class).atInfo()
                .addKeyValue("event", "logging_configured")
                .addKeyValue("format", format)
                .addKeyValue("root_level", rootLevel)
                .addKeyValue("include_content", config.includeContent());
        if (config.file() != null) {
            event = event.addKeyValue("file", config.file().path());
        }
        event.log("logging configured");
    }

    private static void reconfigure(LoggerContext context, String resource) {
        URL url = LogSetup.class.getClassLoader().getResource(resource);
        if (url == null) {
            return;
        }
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(url);
        } catch (JoranException e) {
            throw new IllegalStateException("cannot apply " + resource, e);
        }
    }

    /** Masks {@code redaction}'s headers in what the root's appenders write, wrapping an encoder that does not yet. */
    private static void redactConsole(LoggerContext context, HeaderRedaction redaction) {
        var root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        for (var it = root.iteratorForAppenders(); it.hasNext(); ) {
            if (!(it.next() instanceof OutputStreamAppender<ILoggingEvent> appender)) {
                continue;
            }
            if (appender.getEncoder() instanceof RedactingEncoder redacting) {
                redacting.redact(redaction);
            } else if (appender.getEncoder() != null) {
                // A configuration of one's own (-Dlogback.configurationFile) is masked too. Swapped in place: stopping
                // the appender would close its stream, and nothing logs concurrently this early.
                RedactingEncoder wrapped = new RedactingEncoder(appender.getEncoder(), redaction);
                wrapped.setContext(context);
                wrapped.start();
                appender.setEncoder(wrapped);
            }
        }
    }

    private static void addFile(LoggerContext context, LogFileConfig file, String format, HeaderRedaction redaction) {
        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(context);
        appender.setName("FILE");
        appender.setFile(file.path());
        SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
        policy.setContext(context);
        policy.setParent(appender);
        policy.setFileNamePattern(file.path() + ".%d{yyyy-MM-dd}.%i.gz");
        policy.setMaxFileSize(FileSize.valueOf(file.maxFileSizeMb() + "MB"));
        policy.setMaxHistory(file.maxHistoryDays());
        policy.setTotalSizeCap(FileSize.valueOf(file.totalSizeCapMb() + "MB"));
        policy.start();
        appender.setRollingPolicy(policy);
        appender.setEncoder(encoder(context, format, redaction));
        appender.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
    }

    /** The encoder of {@code format}, masking the standard secret headers. */
    static Encoder<ILoggingEvent> encoder(LoggerContext context, String format) {
        return encoder(context, format, HeaderRedaction.standard());
    }

    static Encoder<ILoggingEvent> encoder(LoggerContext context, String format, HeaderRedaction redaction) {
        RedactingEncoder redacting = new RedactingEncoder(plainEncoder(context, format), redaction);
        redacting.setContext(context);
        redacting.start();
        return redacting;
    }

    private static Encoder<ILoggingEvent> plainEncoder(LoggerContext context, String format) {
        if (format.equals("text")) {
            PatternLayoutEncoder text = new PatternLayoutEncoder();
            text.setContext(context);
            text.setPattern(TEXT_PATTERN);
            text.start();
            return text;
        }
        LogstashEncoder json = new LogstashEncoder();
        json.setContext(context);
        json.getFieldNames().setTimestamp("ts");
        json.getFieldNames().setVersion("[ignore]");
        json.getFieldNames().setLevelValue("[ignore]");
        json.getFieldNames().setLogger("logger");
        json.getFieldNames().setThread("thread");
        json.start();
        return json;
    }
}
