package org.pgfence.pgbouncer.ini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IniValuesTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.12", "db-2.example.com", "::1", "/var/run/postgresql", "appdb-rw", "node_2",
            "ISO,MDY", "Europe/Paris"})
    void ordinaryValuesPass(String value) {
        assertThat(IniValues.problem(value)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\nb", "a\rb", "a;b", "a%b", "[x]", "a=b", "a'b", "a\"b", "a#b", "a b", "a\tb", "a\\b",
            "%include /etc/passwd", ""})
    void anythingThatCouldInjectIniSyntaxIsRefused(String value) {
        assertThat(IniValues.problem(value)).isPresent();
    }

    @Test
    void theMessageNamesSubjectFieldAndTheOffendingCharacter() {
        assertThatThrownBy(() -> IniValues.require("node 2 (node2)", "host", "127.0.0.12\n%include /x"))
                .isInstanceOfSatisfying(UnsafeValueException.class, e -> {
                    assertThat(e.subject()).isEqualTo("node 2 (node2)");
                    assertThat(e.field()).isEqualTo("host");
                    assertThat(e.getMessage()).contains("a newline").contains("position 10").doesNotContain("\n");
                });
    }
}
