package org.pgfence.producer.repmgr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConninfoTest {

    @Test
    void repmgrsConninfoYieldsHostPortUserDbnameAndTimeout() {
        Conninfo c = Conninfo.parse("host=127.0.0.12 port=5432 user=repmgr dbname=repmgr connect_timeout=2");
        assertThat(c.host()).isEqualTo("127.0.0.12");
        assertThat(c.port()).isEqualTo(5432);
        assertThat(c.user()).isEqualTo("repmgr");
        assertThat(c.dbname()).isEqualTo("repmgr");
        assertThat(c.connectTimeoutSeconds(10)).isEqualTo(2);
    }

    @Test
    void quotedValuesKeepSpacesAndEscapedQuotes() {
        Conninfo c = Conninfo.parse("host = 'db one.example' password='it\\'s \\\\ secret' application_name='a b'");
        assertThat(c.host()).isEqualTo("db one.example");
        assertThat(c.get("password")).isEqualTo("it's \\ secret");
        assertThat(c.get("application_name")).isEqualTo("a b");
    }

    @Test
    void emptyQuotedValueIsEmpty() {
        assertThat(Conninfo.parse("host=h password=''").get("password")).isEmpty();
    }

    @Test
    void portDefaultsTo5432AndTimeoutFallsBack() {
        Conninfo c = Conninfo.parse("host=h");
        assertThat(c.port()).isEqualTo(5432);
        assertThat(c.connectTimeoutSeconds(7)).isEqualTo(7);
        assertThat(Conninfo.parse("host=h connect_timeout=0").connectTimeoutSeconds(7)).isEqualTo(7);
    }

    @Test
    void toStringMasksThePasswordAndRequotes() {
        String shown = Conninfo.parse("host=h password=hunter2 application_name='a b'").toString();
        assertThat(shown).doesNotContain("hunter2").contains("password=****").contains("application_name='a b'");
    }

    @Test
    void missingEqualsNamesTheKey() {
        assertThatThrownBy(() -> Conninfo.parse("host=h port 5432"))
                .isInstanceOf(ConninfoException.class).hasMessageContaining("'port'").hasMessageContaining("'='");
    }

    @Test
    void unterminatedQuoteNamesTheKey() {
        assertThatThrownBy(() -> Conninfo.parse("host='h port=5432"))
                .isInstanceOf(ConninfoException.class).hasMessageContaining("'host'")
                .hasMessageContaining("unterminated");
    }

    @Test
    void nonNumericPortNamesTheKey() {
        assertThatThrownBy(() -> Conninfo.parse("host=h port=abc").port())
                .isInstanceOf(ConninfoException.class).hasMessageContaining("'abc'").hasMessageContaining("'port'");
        assertThatThrownBy(() -> Conninfo.parse("host=h port=70000").port())
                .hasMessageContaining("'port'").hasMessageContaining("between 1 and 65535");
    }

    @Test
    void hostListsSocketDirsAndMissingHostsAreRejected() {
        assertThatThrownBy(() -> Conninfo.parse("host=a,b").host()).hasMessageContaining("'host'");
        assertThatThrownBy(() -> Conninfo.parse("host=/var/run/postgresql").host())
                .hasMessageContaining("Unix socket");
        assertThatThrownBy(() -> Conninfo.parse("user=x").host()).hasMessageContaining("no host");
    }

    @Test
    void hostaddrIsUsedWhenHostIsAbsent() {
        assertThat(Conninfo.parse("hostaddr=10.0.0.5 port=6000").host()).isEqualTo("10.0.0.5");
    }

    @Test
    void garbageKeysUrisAndEmptyStringsAreRejected() {
        assertThatThrownBy(() -> Conninfo.parse("=x")).isInstanceOf(ConninfoException.class);
        assertThatThrownBy(() -> Conninfo.parse("ho$t=x")).hasMessageContaining("'ho$t'");
        assertThatThrownBy(() -> Conninfo.parse("postgresql://h/db")).hasMessageContaining("URI");
        assertThatThrownBy(() -> Conninfo.parse("  ")).hasMessageContaining("empty");
    }
}
