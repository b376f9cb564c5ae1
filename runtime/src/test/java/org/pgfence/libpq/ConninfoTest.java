package org.pgfence.libpq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConninfoTest {

    @Test
    void repmgrsConninfoYieldsHostPortUserDbnameAndTimeout() {
        Conninfo c = Conninfo.parse("host=127.0.0.12 port=5432 user=repmgr dbname=repmgr connect_timeout=2");
        assertThat(c.host()).isEqualTo("127.0.0.12");
        assertThat(c.tcpHost()).isEqualTo("127.0.0.12");
        assertThat(c.port()).isEqualTo(5432);
        assertThat(c.user()).isEqualTo("repmgr");
        assertThat(c.dbname()).isEqualTo("repmgr");
        assertThat(c.connectTimeoutSeconds(10)).isEqualTo(2);
        assertThat(c.values()).containsEntry("connect_timeout", "2");
    }

    @Test
    void quotedValuesKeepSpacesAndEscapedQuotes() {
        Conninfo c = Conninfo.parse("host = 'db one.example' password='it\\'s \\\\ secret' port= '6543' "
                + "application_name=a\\ b");
        assertThat(c.host()).isEqualTo("db one.example");
        assertThat(c.get("password")).isEqualTo("it's \\ secret");
        assertThat(c.get("application_name")).isEqualTo("a b");
        assertThat(c.port()).isEqualTo(6543);
    }

    @Test
    void emptyQuotedValueIsEmpty() {
        assertThat(Conninfo.parse("host=h password=''").get("password")).isEmpty();
    }

    @Test
    void portDefaultsTo5432AndTimeoutFallsBack() {
        Conninfo c = Conninfo.parse("host=h");
        assertThat(c.port()).isEqualTo(Conninfo.DEFAULT_PORT).isEqualTo(5432);
        assertThat(c.connectTimeoutSeconds(7)).isEqualTo(7);
        assertThat(Conninfo.parse("host=h connect_timeout=0").connectTimeoutSeconds(7)).isEqualTo(7);
    }

    @Test
    void toStringMasksPasswordsAndRequotes() {
        String shown = Conninfo.parse("host=h password=hunter2 sslpassword=k application_name='a b'").toString();
        assertThat(shown).doesNotContain("hunter2").contains("password=****").contains("sslpassword=****")
                .contains("application_name='a b'");
    }

    @Test
    void missingEqualsNamesTheKey() {
        assertThatThrownBy(() -> Conninfo.parse("host=h port 5432"))
                .isInstanceOf(ConninfoException.class).hasMessageContaining("'port'").hasMessageContaining("missing '='");
        assertThatThrownBy(() -> Conninfo.parse("host")).hasMessageContaining("missing '='");
    }

    @Test
    void unterminatedQuoteNamesTheKey() {
        assertThatThrownBy(() -> Conninfo.parse("host='h port=5432"))
                .isInstanceOf(ConninfoException.class).hasMessageContaining("'host'")
                .hasMessageContaining("unterminated");
    }

    @Test
    void badPortsNameTheKeyAndTheValue() {
        assertThatThrownBy(() -> Conninfo.parse("host=h port=abc").port())
                .isInstanceOf(ConninfoException.class).hasMessageContaining("'abc'").hasMessageContaining("'port'")
                .hasMessageContaining("whole number");
        assertThatThrownBy(() -> Conninfo.parse("host=h port=70000").port())
                .hasMessageContaining("'port'").hasMessageContaining("between 1 and 65535");
        assertThatThrownBy(() -> Conninfo.parse("host=h connect_timeout=soon").connectTimeoutSeconds(2))
                .hasMessageContaining("'connect_timeout'");
    }

    @Test
    void hostTakesTheFirstOfAListTcpHostRefusesLists() {
        Conninfo c = Conninfo.parse("host=a,b port=5433,5434");
        assertThat(c.host()).isEqualTo("a");
        assertThat(c.port()).isEqualTo(5433);
        assertThatThrownBy(c::tcpHost).isInstanceOf(ConninfoException.class).hasMessageContaining("'host'")
                .hasMessageContaining("one host");
    }

    @Test
    void tcpHostRefusesSocketDirectoriesAndMissingHosts() {
        assertThat(Conninfo.parse("host=/var/run/postgresql").host()).isEqualTo("/var/run/postgresql");
        assertThatThrownBy(() -> Conninfo.parse("host=/var/run/postgresql").tcpHost())
                .hasMessageContaining("Unix socket");
        assertThat(Conninfo.parse("user=x").host()).isNull();
        assertThatThrownBy(() -> Conninfo.parse("user=x").tcpHost()).hasMessageContaining("no host");
        assertThatThrownBy(() -> Conninfo.parse("host='' user=x").tcpHost()).hasMessageContaining("no host");
    }

    @Test
    void hostaddrIsUsedWhenHostIsAbsent() {
        assertThat(Conninfo.parse("hostaddr=10.0.0.5 port=6000").tcpHost()).isEqualTo("10.0.0.5");
        assertThat(Conninfo.parse("hostaddr=10.0.0.5 port=6000").host()).isEqualTo("10.0.0.5");
    }

    @Test
    void uriForm() {
        Conninfo c = Conninfo.parse("postgresql://repmgr:secret@db2.example:5433/repmgr?connect_timeout=2");
        assertThat(c.tcpHost()).isEqualTo("db2.example");
        assertThat(c.port()).isEqualTo(5433);
        assertThat(c.user()).isEqualTo("repmgr");
        assertThat(c.dbname()).isEqualTo("repmgr");
        assertThat(c.connectTimeoutSeconds(9)).isEqualTo(2);
        assertThat(c.toString()).doesNotContain("secret");
    }

    @Test
    void uriWithIpv6AndNoPort() {
        Conninfo c = Conninfo.parse("postgres://[::1]/db");
        assertThat(c.host()).isEqualTo("::1");
        assertThat(c.port()).isEqualTo(5432);
        assertThatThrownBy(() -> Conninfo.parse("postgres://[::1/db")).isInstanceOf(ConninfoException.class)
                .hasMessageContaining("IPv6");
    }

    @Test
    void aNewlineInsideAQuotedValueStaysInsideTheValue() {
        assertThat(Conninfo.parse("host='127.0.0.12\n%include /etc/x' port=5432").host()).contains("\n");
    }

    @Test
    void garbageKeysAndEmptyStringsAreRejected() {
        assertThatThrownBy(() -> Conninfo.parse("=x")).isInstanceOf(ConninfoException.class);
        assertThatThrownBy(() -> Conninfo.parse("ho$t=x")).hasMessageContaining("'ho$t'");
        assertThatThrownBy(() -> Conninfo.parse("  ")).hasMessageContaining("empty");
        assertThatThrownBy(() -> Conninfo.parse(null)).hasMessageContaining("empty");
    }

    @Test
    void keysAreLibpqIdentifiers() {
        assertThat(Conninfo.isKey("connect_timeout")).isTrue();
        assertThat(Conninfo.isKey("_x1")).isTrue();
        assertThat(Conninfo.isKey("A")).isTrue();
        assertThat(Conninfo.isKey("")).isFalse();
        assertThat(Conninfo.isKey("1x")).isFalse();
        assertThat(Conninfo.isKey("a-b")).isFalse();
        assertThat(Conninfo.isKey("ho$t")).isFalse();
    }
}
