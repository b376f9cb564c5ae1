package org.pgfence.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class LogContextTest {

    @AfterEach
    void clear() {
        MDC.clear();
    }

    @Test
    void setsItsKeysForTheScopeAndRemovesThemAfter() {
        UUID id = UUID.randomUUID();
        try (LogContext log = LogContext.with(LogContext.CLUSTER, "main").and(LogContext.EVENT_ID, id)
                .and(LogContext.HOST, "pgb1")) {
            assertThat(MDC.get("cluster")).isEqualTo("main");
            assertThat(MDC.get("event.id")).isEqualTo(id.toString());
            assertThat(MDC.get("host")).isEqualTo("pgb1");
        }
        assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
    }

    @Test
    void aNestedScopeGivesItsOuterOneItsValuesBack() {
        try (LogContext outer = LogContext.with(LogContext.CLUSTER, "main").and(LogContext.EVENT_ID, "e1")) {
            try (LogContext inner = LogContext.with(LogContext.HOST, "pgb2").and(LogContext.EVENT_ID, null)) {
                assertThat(MDC.get("cluster")).isEqualTo("main");
                assertThat(MDC.get("host")).isEqualTo("pgb2");
                assertThat(MDC.get("event.id")).as("null: not set in this scope").isNull();
            }
            assertThat(MDC.get("event.id")).isEqualTo("e1");
            assertThat(MDC.get("host")).isNull();
        }
        assertThat(MDC.get("cluster")).isNull();
    }

    @Test
    void theSameKeyTwiceInOneScopeEndsWithTheValueFromBefore() {
        MDC.put("host", "before");
        try (LogContext log = LogContext.with(LogContext.HOST, "a").and(LogContext.HOST, "b")) {
            assertThat(MDC.get("host")).isEqualTo("b");
        }
        assertThat(MDC.get("host")).isEqualTo("before");
    }
}
