package org.pgfence.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class LogConfiguratorTest {

    @Test
    void levelsMatchTheFormerLogbackXml() {
        LoggerContext context = configured();
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("org.apache.kafka").getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("org.apache.kafka.clients.NetworkClient").getLevel()).isEqualTo(Level.ERROR);
        assertThat(context.getLogger("org.postgresql").getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("com.jcraft.jsch").getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("org.pgfence.producer.Announcer").getEffectiveLevel()).isIn(Level.INFO,
                LogConfigurator.pgfenceLevel(System.getenv("PGFENCE_LOG_LEVEL")));
    }

    @Test
    void pgjdbcsJavaUtilLoggingKeepsOnlySevere() {
        configured();
        System.gc(); // java.util.logging holds its loggers weakly: the level must outlive a collection
        assertThat(java.util.logging.Logger.getLogger("org.postgresql").getLevel())
                .isEqualTo(java.util.logging.Level.SEVERE);
    }

    @Test
    void noLoggerOfTheBrokerOrOfTestcontainersIsConfiguredByProductionCode() {
        assertThat(LogConfigurator.LEVELS.keySet()).noneMatch(name -> name.equals("kafka") || name.startsWith("kafka.")
                || name.startsWith("org.apache.kafka.controller") || name.startsWith("org.apache.kafka.server")
                || name.startsWith("org.testcontainers"));
    }

    @Test
    void logsGoToStderrWithThePatternThatDropsEmptyMdcKeys() {
        LoggerContext context = configured();
        ConsoleAppender<?> appender = (ConsoleAppender<?>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
        assertThat(appender.getTarget()).isEqualTo("System.err");
        assertThat(((PatternLayoutEncoder) appender.getEncoder()).getPattern()).isEqualTo(LogConfigurator.PATTERN);
        PatternLayoutEncoder encoder = (PatternLayoutEncoder) appender.getEncoder();
        MDC.put("cluster", "prod");
        try {
            String line = layout(encoder, context, "org.pgfence.producer.Announcer", "Announcing");
            assertThat(line).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO  \\[[^\\]]+\\]"
                    + " Announcer cluster=prod - Announcing\\R");
        } finally {
            MDC.clear();
        }
    }

    @Test
    void jsonFormatIsLogbacksJsonEncoderWithTheMdc() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(MDC.getMDCAdapter());
        ch.qos.logback.core.encoder.Encoder<ch.qos.logback.classic.spi.ILoggingEvent> json =
                LogConfigurator.encoder(context, " JSON ");
        assertThat(json).isInstanceOf(ch.qos.logback.classic.encoder.JsonEncoder.class);
        MDC.put("cluster", "prod");
        try {
            ch.qos.logback.classic.spi.LoggingEvent event = new ch.qos.logback.classic.spi.LoggingEvent(
                    Logger.class.getName(), context.getLogger("org.pgfence.producer.Announcer"), Level.INFO,
                    "Announcing", null, null);
            String line = new String(json.encode(event), StandardCharsets.UTF_8);
            assertThat(line).startsWith("{").contains("\"level\":\"INFO\"").contains("\"message\":\"Announcing\"")
                    .contains("\"cluster\":\"prod\"");
        } finally {
            MDC.clear();
        }
        assertThat(LogConfigurator.encoder(context, null)).isInstanceOf(PatternLayoutEncoder.class);
    }

    @Test
    void pgfenceLevelComesFromTheEnvironmentAndFallsBackToInfo() {
        assertThat(LogConfigurator.pgfenceLevel("DEBUG")).isEqualTo(Level.DEBUG);
        assertThat(LogConfigurator.pgfenceLevel(" warn ")).isEqualTo(Level.WARN);
        assertThat(LogConfigurator.pgfenceLevel("loud")).isEqualTo(Level.INFO);
        assertThat(LogConfigurator.pgfenceLevel(null)).isEqualTo(Level.INFO);
    }

    @Test
    void isTheConfiguratorLogbackFindsAndNoXmlShadowsIt() throws Exception {
        Path service = Path.of("src/main/resources/META-INF/services/ch.qos.logback.classic.spi.Configurator");
        assertThat(Files.readString(service, StandardCharsets.UTF_8).strip()).isEqualTo(LogConfigurator.class.getName());
        assertThat(Path.of("src/main/resources/logback.xml")).as("one source of logging settings").doesNotExist();
    }

    private static LoggerContext configured() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(MDC.getMDCAdapter());
        LogConfigurator configurator = new LogConfigurator();
        configurator.setContext(context);
        assertThat(configurator.configure(context)).isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        return context;
    }

    private static String layout(PatternLayoutEncoder encoder, LoggerContext context, String logger, String message) {
        ch.qos.logback.classic.spi.LoggingEvent event = new ch.qos.logback.classic.spi.LoggingEvent(
                Logger.class.getName(), context.getLogger(logger), Level.INFO, message, null, null);
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }
}
