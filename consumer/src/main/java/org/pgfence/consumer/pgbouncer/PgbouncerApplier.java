package org.pgfence.consumer.pgbouncer;

import org.pgfence.pgbouncer.HostAddresses;
import org.pgfence.pgbouncer.Verification;
import org.pgfence.pgbouncer.AdminCommands;
import io.github.resilience4j.retry.Retry;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.pgfence.pgbouncer.ini.Role;
import org.pgfence.pgbouncer.ini.AtomicFile;
import org.pgfence.pgbouncer.ini.IniEntry;
import org.pgfence.pgbouncer.ini.IniText;
import org.pgfence.pgbouncer.ini.RenderedIni;
import org.pgfence.pgbouncer.Console;
import org.pgfence.pgbouncer.PoolerDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the local pgbouncer serve a rendered ini (DESIGN rule 7): skip the write when the body is
 * unchanged; otherwise write atomically and RELOAD. Then always verify with SHOW DATABASES (one more
 * RELOAD if pgbouncer disagrees; if that does not take either, close the rw databases it still serves
 * otherwise and fail), fix DISABLE/ENABLE state, and KILL + RESUME every rw database whose host or port
 * changed and every managed database with a server connection (SHOW SERVERS) off its target, so no
 * session stays on a node that is not its verified target (lab facts P11-P13).
 */
public final class PgbouncerApplier {
    private static final Logger LOG = LoggerFactory.getLogger(PgbouncerApplier.class);
    private final Path ini;
    private final boolean backups;
    private final Console admin;
    private final Retry retry;
    private final HostAddresses addresses = new HostAddresses();

    public PgbouncerApplier(Path ini, boolean backups, Console admin, Retry retry) {
        this.ini = ini;
        this.backups = backups;
        this.admin = admin;
        this.retry = retry;
    }

    public ApplyResult apply(RenderedIni rendered) throws ApplyException {
        List<String> actions = new ArrayList<>();
        Optional<String> current = read();
        boolean write = current.isEmpty() || !IniText.sameBody(current.get(), rendered.text());
        List<PoolerDatabase> before = before();
        if (write) {
            try {
                AtomicFile.write(ini, rendered.text(), backups);
            } catch (IOException e) {
                throw new ApplyException("cannot write " + ini + " (the previous file is intact): " + e, e);
            }
            reload(actions);
        }
        List<PoolerDatabase> after = verified(rendered, write || before.isEmpty() ? null : before, actions);
        for (String db : Verification.toDisable(rendered.entries(), after)) {
            run(AdminCommands.disable(db), actions);
        }
        for (String db : Verification.toEnable(rendered.entries(), after)) {
            run(AdminCommands.enable(db), actions);
        }
        List<String> paused = new ArrayList<>(Verification.paused(rendered.entries(), after));
        List<String> cut = new ArrayList<>(rendered.entries().stream()
                .filter(e -> e.role() == Role.RW && targetChanged(e, before)).map(IniEntry::name).toList());
        cut.addAll(Verification.stranded(rendered.entries(), call("SHOW SERVERS", admin::showServers),
                addresses::of));
        for (String db : cut.stream().distinct().toList()) {
            run(AdminCommands.kill(db), actions);
            paused.add(db);
        }
        for (String db : paused.stream().distinct().toList()) {
            run(AdminCommands.resume(db), actions);
        }
        String sha = write ? rendered.sha256() : IniText.sha256(current.get());
        return new ApplyResult(write, sha, actions);
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
