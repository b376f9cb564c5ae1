package org.pgfence.pgbouncer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.pgfence.pgbouncer.PoolerDatabase;
import org.pgfence.pgbouncer.PoolerServer;
import org.pgfence.pgbouncer.ini.IniEntry;
import org.pgfence.pgbouncer.ini.Role;

class VerificationTest {
    static final IniEntry RW = new IniEntry("appdb-rw", Role.RW, "127.0.0.12", 5432, "appdb", false);
    static final IniEntry RO = new IniEntry("appdb-ro", Role.RO, "127.0.0.13", 5432, "appdb", false);
    static final IniEntry CLOSED = new IniEntry("appdb-rw", Role.RW, IniEntry.FENCED_HOST, 5432, "appdb", true);

    static PoolerDatabase row(String name, String host, boolean paused, boolean disabled) {
        return new PoolerDatabase(name, host, 5432, "appdb", paused, disabled);
    }

    @Test
    void matchingRowsGiveNoMismatch() {
        List<PoolerDatabase> rows = List.of(row("appdb-rw", "127.0.0.12", false, false),
                row("appdb-ro", "127.0.0.13", false, false), new PoolerDatabase("pgbouncer", null, 6432, "pgbouncer",
                        false, false));
        assertThat(Verification.mismatches(List.of(RW, RO), Set.of(), rows)).isEmpty();
    }

    @Test
    void anOldHostAfterReloadIsAMismatchNamingBothSides() {
        List<PoolerDatabase> rows = List.of(row("appdb-rw", "127.0.0.11", false, false),
                row("appdb-ro", "127.0.0.13", false, false));
        assertThat(Verification.mismatches(List.of(RW, RO), Set.of(), rows)).singleElement().asString()
                .contains("appdb-rw").contains("pgbouncer has host=127.0.0.11").contains("ini has host=127.0.0.12");
    }

    @Test
    void missingEntriesPortAndDatabaseDifferencesAreMismatches() {
        List<PoolerDatabase> rows = List.of(new PoolerDatabase("appdb-rw", "127.0.0.12", 6543, "appdb", false, false),
                new PoolerDatabase("appdb-ro", "127.0.0.13", 5432, "repmgr", false, false));
        assertThat(Verification.mismatches(List.of(RW, RO, new IniEntry("x", Role.RO, "h", 1, "d", false)), Set.of(),
                rows)).hasSize(3).anySatisfy(m -> assertThat(m).contains("x: missing from SHOW DATABASES"));
    }

    @Test
    void aRemovedEntryStillServedIsAMismatch() {
        List<PoolerDatabase> rows = List.of(row("appdb-rw", "127.0.0.11", false, false),
                row("appdb-ro", "127.0.0.13", false, false));
        assertThat(Verification.mismatches(List.of(RO), Set.of("appdb-rw"), rows)).singleElement().asString()
                .contains("appdb-rw: still in SHOW DATABASES");
    }

    @Test
    void closedEntriesMustBeDisabledAndRoutedOnesEnabled() {
        assertThat(Verification.toDisable(List.of(CLOSED, RO), List.of(row("appdb-rw", IniEntry.FENCED_HOST,
                false, false), row("appdb-ro", "127.0.0.13", false, false)))).containsExactly("appdb-rw");
        assertThat(Verification.toDisable(List.of(CLOSED), List.of(row("appdb-rw", IniEntry.FENCED_HOST,
                false, true)))).isEmpty();
        assertThat(Verification.toEnable(List.of(RW, RO), List.of(row("appdb-rw", "127.0.0.12", false, true),
                row("appdb-ro", "127.0.0.13", false, false)))).containsExactly("appdb-rw");
    }

    @Test
    void pausedManagedEntriesAreFound() {
        assertThat(Verification.paused(List.of(RW, RO), List.of(row("appdb-rw", "127.0.0.12", true, false),
                row("appdb-ro", "127.0.0.13", false, false), row("other", "h", true, false))))
                .containsExactly("appdb-rw");
    }

    @Test
    void adminCommandsQuoteNamesAndRefuseUnsafeOnes() {
        assertThat(AdminCommands.kill("appdb-rw")).isEqualTo("KILL \"appdb-rw\"");
        assertThat(AdminCommands.resume("appdb-rw")).isEqualTo("RESUME \"appdb-rw\"");
        assertThat(AdminCommands.disable("appdb-rw")).isEqualTo("DISABLE \"appdb-rw\"");
        assertThat(AdminCommands.enable("appdb-rw")).isEqualTo("ENABLE \"appdb-rw\"");
        assertThatThrownBy(() -> AdminCommands.kill("x\"; SHUTDOWN; --")).hasMessageContaining("a quote");
    }

    private static java.util.Set<String> ipOnly(String host) {
        return java.util.Set.of(host);
    }

    @Test
    void aSessionLeftOnTheOldNodeIsStrandedWhateverTheConfigDiffSays() {
        // the ini and SHOW DATABASES already agree on node2 (a retried apply): only SHOW SERVERS shows node1
        List<PoolerServer> servers = List.of(new PoolerServer("appdb-rw", "127.0.0.11", 5432),
                new PoolerServer("appdb-rw", "127.0.0.12", 5432), new PoolerServer("other", "127.0.0.11", 5432));
        assertThat(Verification.stranded(List.of(RW, RO), servers, VerificationTest::ipOnly)).containsExactly("appdb-rw");
    }

    @Test
    void roSessionsMovingOffANodeAndEverySessionOfAClosedEntryAreStranded() {
        List<PoolerServer> servers = List.of(new PoolerServer("appdb-ro", "127.0.0.11", 5432),
                new PoolerServer("appdb-rw", "127.0.0.12", 5432));
        assertThat(Verification.stranded(List.of(CLOSED, RO), servers, VerificationTest::ipOnly))
                .containsExactly("appdb-rw", "appdb-ro");
    }

    @Test
    void sessionsOnTheTargetAreLeftAloneAndANameIsComparedByItsAddresses() {
        IniEntry named = new IniEntry("appdb-rw", Role.RW, "db2.example", 5432, "appdb", false);
        List<PoolerServer> servers = List.of(new PoolerServer("appdb-rw", "10.0.0.2", 5432));
        assertThat(Verification.stranded(List.of(named), servers, h -> java.util.Set.of("10.0.0.2"))).isEmpty();
        assertThat(Verification.stranded(List.of(named), servers, h -> java.util.Set.of())).as("unresolvable: cut")
                .containsExactly("appdb-rw");
        assertThat(Verification.stranded(List.of(RW), List.of(new PoolerServer("appdb-rw", "127.0.0.12", 5433)),
                VerificationTest::ipOnly)).as("another port is another server").containsExactly("appdb-rw");
    }
}
