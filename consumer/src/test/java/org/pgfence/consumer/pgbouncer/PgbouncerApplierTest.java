package org.pgfence.consumer.pgbouncer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgfence.pgbouncer.Console;
import org.pgfence.pgbouncer.PoolerDatabase;
import org.pgfence.pgbouncer.PoolerServer;
import org.pgfence.pgbouncer.ini.IniEntry;
import org.pgfence.pgbouncer.ini.RenderedIni;
import org.pgfence.pgbouncer.ini.Role;

/**
 * The applier's order of work (DESIGN rule 7), on a console that behaves as pgbouncer does where it matters: RELOAD
 * loads the ini file as it is at that moment (or, when told to, silently keeps the old routes: lab fact P12), and
 * KILL pauses a database until RESUME. What the real pgbouncer 1.18 does with the same commands is proven by the
 * lab ITs (FaultSessionsIT, AgentFailoverIT); this test pins the order, which they only see the effects of.
 */
class PgbouncerApplierTest {
    private static final Pattern LINE = Pattern.compile("^(\\S+) = host=(\\S+) port=(\\d+) dbname=(\\S+)", Pattern.MULTILINE);

    @TempDir
    Path dir;

    /** A pgbouncer as far as the applier can tell: databases loaded from the ini on RELOAD, each command recorded. */
    private final class RecordingConsole implements Console {
        final List<String> calls = new ArrayList<>();
        final Map<String, PoolerDatabase> served = new LinkedHashMap<>();
        final List<PoolerServer> servers = new ArrayList<>();
        boolean reloadTakes = true;
        boolean pauseDrains = true;
        String iniAtReload;

        @Override
        public String url() {
            return "pgbouncer admin test@recording";
        }

        @Override
        public List<PoolerDatabase> showDatabases() {
            calls.add("SHOW DATABASES");
            return List.copyOf(served.values());
        }

        @Override
        public List<PoolerServer> showServers() {
            calls.add("SHOW SERVERS");
            return List.copyOf(servers);
        }

        @Override
        public void execute(String command) throws SQLException {
            calls.add(command);
            if (command.equals("RELOAD")) {
                iniAtReload = read(ini());
                if (reloadTakes) {
                    load(iniAtReload);
                }
                return;
            }
            String[] verbAndDb = command.split(" ", 2);
            String db = verbAndDb[1].replace("\"", "");
            PoolerDatabase d = served.get(db);
            switch (verbAndDb[0]) {
                case "PAUSE" -> {
                    served.put(db, new PoolerDatabase(db, d.host(), d.port(), d.database(), true, d.disabled()));
                    if (!pauseDrains) { // pgbouncer still waits for a server; the console's read times out
                        throw new SQLException("Read timed out");
                    }
                }
                case "KILL" -> served.put(db, new PoolerDatabase(db, d.host(), d.port(), d.database(), true, d.disabled()));
                case "RESUME" -> served.put(db, new PoolerDatabase(db, d.host(), d.port(), d.database(), false, d.disabled()));
                case "DISABLE" -> served.put(db, new PoolerDatabase(db, d.host(), d.port(), d.database(), d.paused(), true));
                case "ENABLE" -> served.put(db, new PoolerDatabase(db, d.host(), d.port(), d.database(), d.paused(), false));
                default -> throw new IllegalArgumentException(command);
            }
        }

        void load(String text) {
            Matcher m = LINE.matcher(text);
            while (m.find()) {
                PoolerDatabase old = served.get(m.group(1));
                served.put(m.group(1), new PoolerDatabase(m.group(1), m.group(2), Integer.parseInt(m.group(3)),
                        m.group(4), old != null && old.paused(), old != null && old.disabled()));
            }
        }
    }

    private final RecordingConsole console = new RecordingConsole();

    private Path ini() {
        return dir.resolve("databases.ini");
    }

    private PgbouncerApplier applier() {
        return new PgbouncerApplier(ini(), false, console, Retry.of("test", RetryConfig.custom().maxAttempts(1).build()),
                dir.resolve("state"));
    }

    private static RenderedIni rendered(IniEntry... entries) {
        StringBuilder text = new StringBuilder("[databases]\n");
        for (IniEntry e : entries) {
            text.append(e.name()).append(" = host=").append(e.host()).append(" port=").append(e.port())
                    .append(" dbname=").append(e.dbname()).append('\n');
        }
        return new RenderedIni(text.toString(), List.of(entries), Set.of());
    }

    private static IniEntry rw(String host) {
        return new IniEntry("appdb-rw", Role.RW, host, 5432, "appdb", false);
    }

    private static IniEntry ro(String host) {
        return new IniEntry("appdb-ro", Role.RO, host, 5432, "appdb", false);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** pgbouncer serving what {@code rendered} says, as after an earlier apply. */
    private void serving(RenderedIni before) throws IOException {
        Files.writeString(ini(), before.text());
        console.load(before.text());
    }

    @Test
    void aMoveCutsTheOldSessionsThenWritesTheFileReloadsVerifiesAndResumes() throws Exception {
        serving(rendered(rw("10.0.0.1"), ro("10.0.0.2")));
        RenderedIni next = rendered(rw("10.0.0.2"), ro("10.0.0.2"));

        ApplyResult result = applier().apply(next);

        assertThat(console.iniAtReload).as("the file is written before RELOAD").isEqualTo(next.text());
        // KILL first: a client that reaches the new route between RELOAD and a later KILL would be cut with the old ones
        assertThat(console.calls).containsExactly("SHOW DATABASES", "KILL \"appdb-rw\"", "RELOAD", "SHOW DATABASES",
                "SHOW SERVERS", "RESUME \"appdb-rw\"");
        assertThat(result.actions()).containsExactly("KILL \"appdb-rw\"", "RELOAD", "RESUME \"appdb-rw\"");
        assertThat(console.served.get("appdb-rw")).isEqualTo(new PoolerDatabase("appdb-rw", "10.0.0.2", 5432, "appdb",
                false, false));
    }

    @Test
    void aFileThatCannotBeWrittenLeavesPgbouncerUntouched() throws Exception {
        serving(rendered(rw("10.0.0.1")));
        // the backup of the old file cannot replace a non-empty directory: the write fails, the old file stays
        Files.createDirectories(dir.resolve("databases.ini.prev").resolve("in-the-way"));
        PgbouncerApplier backingUp = new PgbouncerApplier(ini(), true, console,
                Retry.of("test", RetryConfig.custom().maxAttempts(1).build()), dir.resolve("state"));

        assertThatThrownBy(() -> backingUp.apply(rendered(rw("10.0.0.2")))).isInstanceOf(ApplyException.class)
                .hasMessageContaining("cannot write " + ini());
        assertThat(console.calls).as("no KILL, no RELOAD").containsExactly("SHOW DATABASES");
        assertThat(console.served.get("appdb-rw").paused()).isFalse();
    }

    @Test
    void anUnchangedFileIsNeitherWrittenNorReloadedOnlyVerified() throws Exception {
        RenderedIni same = rendered(rw("10.0.0.1"));
        serving(same);

        ApplyResult result = applier().apply(same);

        assertThat(console.calls).containsExactly("SHOW DATABASES", "SHOW SERVERS");
        assertThat(result.actions()).isEmpty();
        assertThat(result.written()).isFalse();
    }

    @Test
    void aClosedRwDatabaseHasItsSessionsCutAndIsDisabledAfterTheReload() throws Exception {
        serving(rendered(rw("10.0.0.1")));
        RenderedIni closed = new RenderedIni("[databases]\nappdb-rw = host=" + IniEntry.FENCED_HOST
                + " port=5432 dbname=appdb\n", List.of(new IniEntry("appdb-rw", Role.RW, IniEntry.FENCED_HOST, 5432,
                "appdb", true)), Set.of());

        applier().apply(closed);

        assertThat(console.calls).containsSubsequence("KILL \"appdb-rw\"", "RELOAD", "SHOW DATABASES",
                "DISABLE \"appdb-rw\"", "RESUME \"appdb-rw\"");
        assertThat(console.calls).doesNotContain("ENABLE \"appdb-rw\"");
        assertThat(console.served.get("appdb-rw").disabled()).isTrue();
        assertThat(console.served.get("appdb-rw").paused()).as("RESUME ends the pause KILL leaves").isFalse();
    }

    @Test
    void aReloadThatDoesNotTakeIsTriedOnceMoreThenTheOldRwRouteIsClosedThroughTheConsoleAndTheApplyFails()
            throws Exception {
        serving(rendered(rw("10.0.0.1")));
        console.reloadTakes = false; // RELOAD answers OK but pgbouncer keeps its old routes (lab fact P12)

        assertThatThrownBy(() -> applier().apply(rendered(rw("10.0.0.2"))))
                .isInstanceOf(ApplyException.class)
                .hasMessageContaining("pgbouncer did not load")
                .hasMessageContaining("closed through the console until a reload takes: [appdb-rw]");
        assertThat(console.calls).containsExactly("SHOW DATABASES", "KILL \"appdb-rw\"", "RELOAD", "SHOW DATABASES",
                "RELOAD", "SHOW DATABASES", "DISABLE \"appdb-rw\"", "KILL \"appdb-rw\"", "RESUME \"appdb-rw\"");
        assertThat(console.served.get("appdb-rw").disabled()).as("no write reaches the old route").isTrue();
    }

    @Test
    void aSessionLeftOnANodeThatIsNoLongerTheTargetIsCut() throws Exception {
        RenderedIni same = rendered(rw("10.0.0.2"));
        serving(same);
        console.servers.add(new PoolerServer("appdb-rw", "10.0.0.1", 5432)); // opened before the last move

        ApplyResult result = applier().apply(same);

        assertThat(result.actions()).containsExactly("KILL \"appdb-rw\"", "RESUME \"appdb-rw\"");
    }

    @Test
    void anOperatorsPauseAndDisableOnDatabasesThisApplyDoesNotMoveAreLeftAsTheOperatorSetThem() throws Exception {
        RenderedIni same = rendered(rw("10.0.0.2"), ro("10.0.0.3"));
        serving(same);
        console.execute("DISABLE \"appdb-ro\""); // by hand, as DESIGN rule 11's operator does
        console.served.put("appdb-rw", new PoolerDatabase("appdb-rw", "10.0.0.2", 5432, "appdb", true, false)); // PAUSE
        console.calls.clear();

        ApplyResult result = applier().apply(same);

        assertThat(result.actions()).as("no RESUME, no ENABLE: the operator's hand wins").isEmpty();
        assertThat(console.served.get("appdb-rw").paused()).isTrue();
        assertThat(console.served.get("appdb-ro").disabled()).isTrue();
    }

    @Test
    void aDatabaseThisApplyMovesIsCutAndResumedEvenIfAnOperatorHadPausedIt() throws Exception {
        serving(rendered(rw("10.0.0.1")));
        console.served.put("appdb-rw", new PoolerDatabase("appdb-rw", "10.0.0.1", 5432, "appdb", true, false));

        ApplyResult result = applier().apply(rendered(rw("10.0.0.2")));

        assertThat(result.actions()).containsExactly("KILL \"appdb-rw\"", "RELOAD", "RESUME \"appdb-rw\"");
        assertThat(console.served.get("appdb-rw").paused()).isFalse();
    }

    @Test
    void aDatabaseReopenedAfterPgfenceClosedItIsEnabledAgain() throws Exception {
        RenderedIni closed = new RenderedIni("[databases]\nappdb-rw = host=" + IniEntry.FENCED_HOST
                + " port=5432 dbname=appdb\n", List.of(new IniEntry("appdb-rw", Role.RW, IniEntry.FENCED_HOST, 5432,
                "appdb", true)), Set.of());
        serving(closed);
        console.execute("DISABLE \"appdb-rw\"");

        ApplyResult result = applier().apply(rendered(rw("10.0.0.2")));

        assertThat(result.actions()).contains("ENABLE \"appdb-rw\"");
        assertThat(console.served.get("appdb-rw").disabled()).isFalse();
    }

    @Test
    void aCutAnInterruptedApplyLeftPausedIsResumedByTheNext() throws Exception {
        RenderedIni same = rendered(rw("10.0.0.2"));
        serving(same);
        Files.createDirectories(dir.resolve("state"));
        Files.writeString(dir.resolve("state").resolve(PgbouncerApplier.CUTTING), "appdb-rw\n"); // died after KILL
        console.served.put("appdb-rw", new PoolerDatabase("appdb-rw", "10.0.0.2", 5432, "appdb", true, false));

        ApplyResult result = applier().apply(same);

        assertThat(result.actions()).containsExactly("RESUME \"appdb-rw\"");
        assertThat(dir.resolve("state").resolve(PgbouncerApplier.CUTTING)).doesNotExist();
    }

    @Test
    void aHeldPauseQueuesClientsUntilThePromotionMovesTheDatabaseWhichIsThenResumedWithoutAKill() throws Exception {
        RenderedIni old = rendered(rw("10.0.0.1"));
        serving(old);
        PgbouncerApplier applier = applier();

        assertThat(applier.pause(List.of("appdb-rw"), java.time.Duration.ofSeconds(1))).containsExactly("PAUSE \"appdb-rw\"");
        assertThat(console.served.get("appdb-rw").paused()).isTrue();

        console.calls.clear();
        assertThat(applier.apply(old, Set.of("appdb-rw"), Set.of()).actions()).as("a timer reconcile during the hold")
                .isEmpty();
        RenderedIni closed = new RenderedIni("[databases]\nappdb-rw = host=" + IniEntry.FENCED_HOST
                + " port=5432 dbname=appdb\n", List.of(new IniEntry("appdb-rw", Role.RW, IniEntry.FENCED_HOST, 5432,
                "appdb", true)), Set.of());
        assertThat(applier.apply(closed, Set.of("appdb-rw"), Set.of()).actions())
                .as("closed while the standby is promoted: held, neither DISABLEd nor KILLed").containsExactly("RELOAD");
        assertThat(console.served.get("appdb-rw").paused()).isTrue();
        assertThat(console.served.get("appdb-rw").disabled()).isFalse();

        console.calls.clear();
        ApplyResult moved = applier.apply(rendered(rw("10.0.0.2")), Set.of(), Set.of("appdb-rw"));
        assertThat(moved.actions()).as("queued clients continue on the new primary: no KILL")
                .containsExactly("RELOAD", "RESUME \"appdb-rw\"");
        assertThat(console.served.get("appdb-rw")).isEqualTo(new PoolerDatabase("appdb-rw", "10.0.0.2", 5432, "appdb",
                false, false));
    }

    @Test
    void aReleasedDatabaseWithAServerStillOnTheOldNodeIsCutBeforeItIsResumed() throws Exception {
        serving(rendered(rw("10.0.0.1")));
        PgbouncerApplier applier = applier();
        applier.pause(List.of("appdb-rw"), java.time.Duration.ofSeconds(1));
        console.servers.add(new PoolerServer("appdb-rw", "10.0.0.1", 5432));

        ApplyResult moved = applier.apply(rendered(rw("10.0.0.2")), Set.of(), Set.of("appdb-rw"));

        assertThat(moved.actions()).containsExactly("RELOAD", "KILL \"appdb-rw\"", "RESUME \"appdb-rw\"");
    }

    @Test
    void aPauseOfADatabasePgfenceClosedEnablesItSoItsClientsQueueInsteadOfBeingRefused() throws Exception {
        RenderedIni closed = new RenderedIni("[databases]\nappdb-rw = host=" + IniEntry.FENCED_HOST
                + " port=5432 dbname=appdb\nappdb-op = host=10.0.0.1 port=5432 dbname=appdb\n", List.of(
                new IniEntry("appdb-rw", Role.RW, IniEntry.FENCED_HOST, 5432, "appdb", true),
                new IniEntry("appdb-op", Role.RW, "10.0.0.1", 5432, "appdb", false)), Set.of());
        serving(closed);
        console.served.put("appdb-rw", new PoolerDatabase("appdb-rw", IniEntry.FENCED_HOST, 5432, "appdb", false, true));
        console.served.put("appdb-op", new PoolerDatabase("appdb-op", "10.0.0.1", 5432, "appdb", false, true));

        assertThat(applier().pause(List.of("appdb-rw", "appdb-op"), java.time.Duration.ofSeconds(1)))
                .containsExactly("PAUSE \"appdb-rw\"", "PAUSE \"appdb-op\"", "ENABLE \"appdb-rw\"");
        assertThat(console.served.get("appdb-rw")).as("paused, enabled, still routed nowhere").isEqualTo(
                new PoolerDatabase("appdb-rw", IniEntry.FENCED_HOST, 5432, "appdb", true, false));
        assertThat(console.served.get("appdb-op").disabled()).as("an operator's DISABLE stays").isTrue();
    }

    @Test
    void aPauseThatDoesNotDrainInTimeIsFollowedByAKillAndTheDatabaseStaysPaused() throws Exception {
        serving(rendered(rw("10.0.0.1")));
        console.pauseDrains = false;

        assertThat(applier().pause(List.of("appdb-rw"), java.time.Duration.ofSeconds(1))).containsExactly("KILL \"appdb-rw\"");
        assertThat(console.served.get("appdb-rw").paused()).isTrue();
    }

    @Test
    void anExpiredHoldWithNothingVerifiedClosesTheDatabaseAndEndsThePause() throws Exception {
        serving(rendered(rw("10.0.0.1")));
        PgbouncerApplier applier = applier();
        applier.pause(List.of("appdb-rw"), java.time.Duration.ofSeconds(1));
        RenderedIni closed = new RenderedIni("[databases]\nappdb-rw = host=" + IniEntry.FENCED_HOST
                + " port=5432 dbname=appdb\n", List.of(new IniEntry("appdb-rw", Role.RW, IniEntry.FENCED_HOST, 5432,
                "appdb", true)), Set.of());

        ApplyResult result = applier.apply(closed, Set.of(), Set.of("appdb-rw"));

        assertThat(result.actions()).containsExactly("RELOAD", "DISABLE \"appdb-rw\"", "RESUME \"appdb-rw\"");
        assertThat(console.served.get("appdb-rw").paused()).as("queued clients get an error, not a hang").isFalse();
        assertThat(console.served.get("appdb-rw").disabled()).isTrue();
    }
}
