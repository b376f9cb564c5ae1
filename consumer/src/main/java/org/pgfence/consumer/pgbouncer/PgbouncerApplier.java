package org.pgfence.consumer.pgbouncer;

import io.github.resilience4j.retry.Retry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.pgfence.pgbouncer.AdminCommands;
import org.pgfence.pgbouncer.Console;
import org.pgfence.pgbouncer.HostAddresses;
import org.pgfence.pgbouncer.PoolerDatabase;
import org.pgfence.pgbouncer.Verification;
import org.pgfence.pgbouncer.ini.AtomicFile;
import org.pgfence.pgbouncer.ini.IniEntry;
import org.pgfence.pgbouncer.ini.IniText;
import org.pgfence.pgbouncer.ini.RenderedIni;
import org.pgfence.pgbouncer.ini.Role;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the local pgbouncer serve a rendered ini (DESIGN rule 7): write it atomically unless its body is unchanged
 * (a file that cannot be written leaves pgbouncer untouched); KILL every rw database whose host or port changes (its
 * sessions are on the old target; KILL also pauses it, so clients arriving meanwhile queue); RELOAD if written. Then
 * always verify with SHOW DATABASES (one
 * more RELOAD if pgbouncer disagrees; if that does not take either, close the rw databases it still serves otherwise
 * and fail), fix DISABLE/ENABLE state, KILL every managed database with a server connection (SHOW SERVERS) still off
 * its target, and RESUME what was KILLed: no session stays on a node that is not its verified target, and none that
 * reached the new target is cut (lab facts P11-P13).
 *
 * <p>The operator's hand wins (DESIGN rule 11): a database pgfence did not DISABLE (the ini had it open) stays
 * disabled, and one it did not PAUSE stays paused, unless this apply moves it; each is logged. pgfence's own pauses are
 * the KILLs it makes, named in the state dir's {@value #CUTTING} file until their RESUME, so an apply interrupted
 * in between is finished by the next.
 */
public final class PgbouncerApplier {
    private static final Logger LOG = LoggerFactory.getLogger(PgbouncerApplier.class);
    /** The state-dir file naming the databases an apply has KILLed and not yet RESUMEd. */
    public static final String CUTTING = "cutting";
    private final Path ini;
    private final Path cutting;
    private final boolean backups;
    private final Console admin;
    private final Retry retry;
    private final HostAddresses addresses = new HostAddresses();

    public PgbouncerApplier(Path ini, boolean backups, Console admin, Retry retry, Path stateDir) {
        this.ini = ini;
        this.cutting = stateDir.resolve(CUTTING);
        this.backups = backups;
        this.admin = admin;
        this.retry = retry;
    }

    public ApplyResult apply(RenderedIni rendered) throws ApplyException {
        return apply(rendered, Set.of(), Set.of());
    }

    /**
     * {@link #apply(RenderedIni)} during two-phase fencing: {@code held} are rw databases pgfence PAUSEd for a
     * {@code fencing-started} whose promotion has not been verified yet: they stay paused (their clients queue), are
     * neither DISABLEd nor KILLed, whatever the plan. {@code released} are the ones whose hold ends in this apply (the
     * promotion is verified, or the pause expired): RESUMEd, and not KILLed when moved, since the PAUSE already closed
     * their server connections (a server left off its target is still cut, as always).
     */
    public ApplyResult apply(RenderedIni rendered, Set<String> held, Set<String> released) throws ApplyException {
        List<String> actions = new ArrayList<>();
        Optional<String> current = read();
        boolean write = current.isEmpty() || !IniText.sameBody(current.get(), rendered.text());
        List<PoolerDatabase> before = before();
        Set<String> interrupted = interruptedCuts();
        List<String> moved = rendered.entries().stream().filter(e -> targetChanged(e, before)).map(IniEntry::name)
                .toList();
        // KILL before the new route is loaded: it drops the sessions on the old target and pauses the database, so a
        // client that arrives meanwhile queues and reaches the new target on RESUME. A KILL after the RELOAD would also
        // drop the sessions that had already reached the new target ("FATAL: database removed").
        List<String> cut = new ArrayList<>(rendered.entries().stream()
                .filter(e -> e.role() == Role.RW && moved.contains(e.name()))
                .filter(e -> !held.contains(e.name()) && !released.contains(e.name())).map(IniEntry::name).toList());
        if (write) { // first: a file that cannot be written leaves pgbouncer untouched
            try {
                AtomicFile.write(ini, rendered.text(), backups);
            } catch (IOException e) {
                throw new ApplyException("cannot write " + ini + " (the previous file is intact): " + e, e);
            }
        }
        kill(cut, actions);
        if (write) {
            reload(actions);
        }
        List<PoolerDatabase> after = verified(rendered, write || before.isEmpty() || !cut.isEmpty() ? null : before,
                actions);
        for (String db : Verification.toDisable(rendered.entries(), after)) {
            if (held.contains(db)) {
                LOG.info("{} is closed by the plan but held PAUSEd for a promotion in progress: its clients queue, none"
                        + " reaches a server; not DISABLEd", db);
            } else {
                run(AdminCommands.disable(db), actions);
            }
        }
        Set<String> closedBefore = current.map(IniText::closedNames).orElse(Set.of());
        Set<String> knownBefore = current.map(IniText::names).orElse(Set.of());
        for (String db : Verification.toEnable(rendered.entries(), after)) {
            if (closedBefore.contains(db) || !knownBefore.contains(db) || moved.contains(db)) {
                run(AdminCommands.enable(db), actions); // pgfence closed it, or it is new, or this apply moves it
            } else {
                LOG.warn("{} is DISABLEd, but not by pgfence (the ini had it open): left as the operator set it (DESIGN"
                        + " rule 11); ENABLE {} by hand when done", db, AdminCommands.quote(db));
            }
        }
        // a server the route change could not have moved (an apply cut short between its RELOAD and its KILL): cut now
        List<String> stranded = Verification.stranded(rendered.entries(), call("SHOW SERVERS", admin::showServers),
                addresses::of).stream().distinct().filter(db -> !cut.contains(db)).toList();
        List<String> killed = new ArrayList<>(cut);
        killed.addAll(stranded);
        List<String> resume = new ArrayList<>(killed.stream().filter(db -> !held.contains(db)).toList()); // KILL keeps a hold
        for (String db : released) {
            if (after.stream().anyMatch(r -> r.name().equals(db) && r.paused())) {
                resume.add(db); // ends pgfence's own hold, also of a database the plan leaves out
            }
        }
        for (String db : Verification.paused(rendered.entries(), before.isEmpty() ? after : before)) {
            if (released.contains(db)) {
                continue;
            } else if (held.contains(db)) {
                LOG.info("{} held PAUSEd for a promotion in progress (fencing-started)", db);
            } else if (interrupted.contains(db)) {
                LOG.warn("{} was left PAUSEd by an apply interrupted between KILL and RESUME: resuming it", db);
                resume.add(db);
            } else if (killed.contains(db)) {
                LOG.warn("{} is PAUSEd, not by pgfence; this apply moves it off a node that is not its target,"
                        + " which ends the pause (DESIGN rule 11)", db);
            } else {
                LOG.warn("{} is PAUSEd, but not by pgfence: left paused as the operator set it (DESIGN rule 11);"
                        + " RESUME {} by hand when done", db, AdminCommands.quote(db));
            }
        }
        if (!stranded.isEmpty()) {
            markCutting(killed);
            for (String db : stranded) {
                run(AdminCommands.kill(db), actions);
            }
        }
        for (String db : resume.stream().distinct().toList()) {
            run(AdminCommands.resume(db), actions);
        }
        clearCutting();
        String sha = write ? rendered.sha256() : IniText.sha256(current.get());
        return new ApplyResult(write, sha, actions);
    }

    /**
     * PAUSEs each database (two-phase fencing): new queries queue in pgbouncer, running transactions finish (in
     * transaction pooling). PAUSE has no timeout of its own (lab facts, pgbouncer#715): one that has not drained within
     * {@code drain} (session pooling: a client still connected) is followed by KILL, which cuts the rest and leaves the
     * database paused. "Already
     * paused" counts as done. Then verified: every database paused, per SHOW DATABASES. A database pgfence had DISABLEd
     * (fenced closed) is ENABLEd under the pause, so its clients queue for the promotion instead of being refused.
     */
    public List<String> pause(List<String> databases, Duration drain) throws ApplyException {
        List<String> actions = new ArrayList<>();
        for (String db : databases) {
            try {
                admin.execute(AdminCommands.pause(db), drain);
                actions.add(AdminCommands.pause(db));
            } catch (SQLException e) {
                if (e.getMessage() != null && e.getMessage().contains("already")) {
                    actions.add(AdminCommands.pause(db) + " (already paused)");
                } else {
                    LOG.warn("{} did not drain in time ({}): cutting what is left", AdminCommands.pause(db), e.getMessage());
                    run(AdminCommands.kill(db), actions);
                }
            }
        }
        List<PoolerDatabase> rows = call("SHOW DATABASES", admin::showDatabases);
        List<String> notPaused = databases.stream().filter(db -> rows.stream()
                .noneMatch(r -> r.name().equals(db) && r.paused())).toList();
        if (!notPaused.isEmpty()) {
            throw new ApplyException("PAUSE did not take on " + admin.url() + " for " + notPaused
                    + " (SHOW DATABASES says not paused)", null);
        }
        // one pgfence closed (fenced closed: its ini entry routes nowhere) would refuse clients, not queue them: ENABLE
        // it under the pause; it can reach no server while paused, and routes nowhere if the pause is lost
        Set<String> closed = read().map(IniText::closedNames).orElse(Set.of());
        for (String db : databases) {
            if (closed.contains(db) && rows.stream().anyMatch(r -> r.name().equals(db) && r.disabled())) {
                run(AdminCommands.enable(db), actions);
            }
        }
        return actions;
    }

    /**
     * What pgbouncer serves before this apply, or empty if its console is unreachable: the file is written
     * anyway, so a pgbouncer that (re)starts later loads the right routes; the apply then fails on RELOAD.
     */
    private List<PoolerDatabase> before() {
        try {
            return call("SHOW DATABASES", admin::showDatabases);
        } catch (ApplyException e) {
            LOG.warn("{}; writing the ini anyway", e.getMessage());
            return List.of();
        }
    }

    private List<PoolerDatabase> verified(RenderedIni rendered, List<PoolerDatabase> known, List<String> actions)
            throws ApplyException {
        List<PoolerDatabase> rows = known != null ? known : call("SHOW DATABASES", admin::showDatabases);
        List<String> wrong = Verification.mismatches(rendered.entries(), rendered.omitted(), rows);
        if (wrong.isEmpty()) {
            return rows;
        }
        LOG.warn("pgbouncer disagrees with {}: {}; reloading", ini, wrong);
        reload(actions);
        rows = call("SHOW DATABASES", admin::showDatabases);
        wrong = Verification.mismatches(rendered.entries(), rendered.omitted(), rows);
        if (!wrong.isEmpty()) {
            String closed = closeUnloaded(rendered, rows, actions);
            throw new ApplyException("pgbouncer did not load " + ini + " (RELOAD said OK; see the pgbouncer log): "
                    + String.join("; ", wrong) + closed, null);
        }
        return rows;
    }

    /**
     * A reload that did not take leaves pgbouncer routing as before, possibly to a node that is no longer the
     * primary: every rw database it serves otherwise than the ini says is closed through the console (DISABLE, then
     * KILL, then RESUME so the pause KILL leaves does not outlive it), until a reload takes. Says what it did.
     */
    private String closeUnloaded(RenderedIni rendered, List<PoolerDatabase> rows, List<String> actions) {
        List<String> closed = new ArrayList<>();
        for (IniEntry e : rendered.entries()) {
            boolean servedOtherwise = rows.stream().anyMatch(r -> r.name().equals(e.name())
                    && (!e.host().equals(r.host()) || e.port() != r.port()));
            if (e.role() == Role.RW && servedOtherwise) {
                try {
                    run(AdminCommands.disable(e.name()), actions);
                    run(AdminCommands.kill(e.name()), actions);
                    run(AdminCommands.resume(e.name()), actions);
                    closed.add(e.name());
                } catch (ApplyException x) {
                    LOG.error("could not close {} after a reload that did not take: {}", e.name(), x.getMessage());
                }
            }
        }
        return closed.isEmpty() ? "" : "; closed through the console until a reload takes: " + closed;
    }

    /**
     * Names the databases about to be KILLed before the first KILL (fsynced): KILL leaves a database paused until its
     * RESUME, and an agent that dies in between must not leave it so. The next apply resumes exactly those, and
     * nothing else an operator paused.
     */
    private void markCutting(List<String> dbs) throws ApplyException {
        try {
            Files.createDirectories(cutting.getParent());
            AtomicFile.write(cutting, String.join("\n", dbs) + "\n", false);
        } catch (IOException e) {
            throw new ApplyException("cannot record the cut about to be made in " + cutting + ": " + e, e);
        }
    }

    /** KILLs {@code dbs}, named in the {@value #CUTTING} file first. */
    private void kill(List<String> dbs, List<String> actions) throws ApplyException {
        if (!dbs.isEmpty()) {
            markCutting(dbs);
            for (String db : dbs) {
                run(AdminCommands.kill(db), actions);
            }
        }
    }

    private Set<String> interruptedCuts() {
        try {
            return Files.exists(cutting) ? Set.copyOf(Files.readAllLines(cutting).stream().map(String::strip)
                    .filter(l -> !l.isEmpty()).toList()) : Set.of();
        } catch (IOException e) {
            LOG.warn("cannot read {} ({}): a database an interrupted apply left paused stays so", cutting, e.toString());
            return Set.of();
        }
    }

    private void clearCutting() throws ApplyException {
        try {
            Files.deleteIfExists(cutting);
        } catch (IOException e) {
            throw new ApplyException("cannot remove " + cutting + ": " + e, e);
        }
    }

    private static boolean targetChanged(IniEntry e, List<PoolerDatabase> before) {
        return before.stream().filter(r -> r.name().equals(e.name()))
                .anyMatch(r -> !e.host().equals(r.host()) || e.port() != r.port());
    }

    private void reload(List<String> actions) throws ApplyException {
        run("RELOAD", actions);
    }

    private void run(String command, List<String> actions) throws ApplyException {
        call(command, () -> {
            admin.execute(command);
            return null;
        });
        actions.add(command);
    }

    private interface AdminCall<T> {
        T call() throws SQLException;
    }

    private <T> T call(String what, AdminCall<T> call) throws ApplyException {
        try {
            return retry.executeCallable(call::call);
        } catch (Exception e) {
            throw new ApplyException(admin.url() + " on " + what + ": " + e.getMessage(), e);
        }
    }

    private Optional<String> read() throws ApplyException {
        try {
            return AtomicFile.read(ini);
        } catch (IOException e) {
            throw new ApplyException("cannot read " + ini + ": " + e, e);
        }
    }
}
