package org.pgfence.audit.remediation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.pgfence.audit.config.RemoteHost;
import org.pgfence.audit.pgbouncer.AdminConsole;
import org.pgfence.audit.pgbouncer.AdminConsoleException;
import org.pgfence.audit.pgbouncer.DatabaseIni;
import org.pgfence.audit.pgbouncer.IniEntry;
import org.pgfence.audit.pgbouncer.ReloadCheck;
import org.pgfence.audit.pgbouncer.ShownDatabase;
import org.pgfence.audit.ssh.ExecResult;
import org.pgfence.audit.ssh.SshConnector;
import org.pgfence.audit.ssh.SshException;
import org.pgfence.audit.ssh.SshSession;
import org.pgfence.audit.tracking.Promotion;
import org.pgfence.events.DatabaseTarget;
import org.pgfence.events.NodeRef;

/**
 * Repairs one host over SSH: runs the host's own renderer ({@code <pgfenceCommand> render --config
 * <agentConfig>}, so the ini comes from the agent's code and the host's own database list), replaces
 * the database ini atomically over SFTP, RELOADs pgbouncer and checks SHOW DATABASES against the ini.
 */
public final class RemoteRepair {
    private final SshConnector ssh;
    private final Duration adminTimeout;

    public RemoteRepair(SshConnector ssh, Duration adminTimeout) {
        this.ssh = ssh;
        this.adminTimeout = adminTimeout;
    }

    public static String renderCommand(RemoteHost host) {
        return host.pgfenceCommand() + " render --config " + host.agentConfig();
    }

    public RepairResult repair(Promotion promotion, RemoteHost host) {
        DatabaseIni ini;
        try (SshSession session = ssh.connect(host.address())) {
            ExecResult rendered = session.exec(renderCommand(host));
            if (!rendered.succeeded()) {
                return RepairResult.failed(Outcome.RENDER_FAILED, "'" + renderCommand(host) + "' exited "
                        + rendered.exitStatus() + ": " + rendered.stderr().strip());
            }
            try {
                ini = DatabaseIni.parse(rendered.stdout());
            } catch (IllegalArgumentException e) {
                return RepairResult.failed(Outcome.RENDER_FAILED, e.getMessage());
            }
            List<String> elsewhere = routesElsewhere(ini, promotion.newPrimary());
            if (!elsewhere.isEmpty()) {
                String said = rendered.stderr().strip();
                return RepairResult.failed(Outcome.ROUTES_ELSEWHERE, "the host's renderer routes " + elsewhere
                        + " but the promotion's new primary is " + promotion.newPrimary() + "; not uploaded"
                        + (said.isEmpty() ? "" : "; the renderer said: " + said.replaceAll("\\s*\\n\\s*", " | ")));
            }
            session.replaceFile(host.databaseIni(), rendered.stdout().getBytes(StandardCharsets.UTF_8));
        } catch (SshException e) {
            return RepairResult.failed(outcomeOf(e), e.getMessage());
        }
        return reloadAndVerify(promotion, host, ini);
    }

    private RepairResult reloadAndVerify(Promotion promotion, RemoteHost host, DatabaseIni ini) {
        AdminConsole console = new AdminConsole(host.admin(), adminTimeout);
        try {
            List<ShownDatabase> shown = console.reloadAndShow();
            List<String> mismatches = ReloadCheck.mismatches(ini, shown);
            if (!mismatches.isEmpty()) {
                return RepairResult.failed(Outcome.RELOAD_FAILED, "after RELOAD on " + host.admin().host() + ":"
                        + host.admin().port() + " pgbouncer does not run the uploaded ini: " + mismatches);
            }
        } catch (AdminConsoleException e) {
            return RepairResult.failed(Outcome.RELOAD_FAILED, e.getMessage());
        }
        return new RepairResult(Outcome.APPLIED, targets(ini, promotion.newPrimary()), sha256(ini.text()), null);
    }

    /**
     * Entries whose name marks them read-write ({@code -rw} suffix) but that point at another node than
     * the new primary: uploading such an ini would not fence this promotion.
     */
    static List<String> routesElsewhere(DatabaseIni ini, NodeRef primary) {
        return ini.entries().stream()
                .filter(e -> e.name().endsWith("-rw") && e.host() != null)
                .filter(e -> !(e.host().equals(primary.host()) && e.port() == primary.port()))
                .map(e -> e.name() + "->" + e.host() + ":" + e.port())
                .toList();
    }

    /** The rw targets of the ini that route to the new primary, as the ack reports them. */
    static List<DatabaseTarget> targets(DatabaseIni ini, NodeRef primary) {
        return ini.entries().stream()
                .filter(e -> primary.host().equals(e.host()) && e.port() == primary.port())
                .filter(e -> e.name().endsWith("-rw"))
                .map(IniEntry::name)
                .map(name -> DatabaseTarget.routed(name, "rw", primary))
                .toList();
    }

    static Outcome outcomeOf(SshException e) {
        return switch (e.kind()) {
            case HOST_KEY -> Outcome.HOST_KEY_REJECTED;
            case AUTH -> Outcome.AUTH_FAILED;
            case UNREACHABLE, TIMEOUT -> Outcome.UNREACHABLE;
            case IO -> Outcome.UPLOAD_FAILED;
        };
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
