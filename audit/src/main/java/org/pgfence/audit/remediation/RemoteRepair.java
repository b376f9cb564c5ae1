package org.pgfence.audit.remediation;

import java.util.regex.Pattern;
import org.pgfence.audit.config.RemoteHost;
import org.pgfence.audit.ssh.ExecResult;
import org.pgfence.audit.ssh.SshConnector;
import org.pgfence.audit.ssh.SshException;
import org.pgfence.audit.ssh.SshSession;
import org.pgfence.audit.tracking.Promotion;
import org.pgfence.events.ClusterRouting;
import org.pgfence.events.InvalidEventException;
import org.pgfence.events.RoutingReport;

/**
 * Repairs one host over SSH by running the host's own {@code pgfence apply} with its agent config and the
 * promotion's epoch as the floor: the host verifies the nodes itself, decides under that floor, writes its ini,
 * RELOADs, verifies, KILLs what stayed on another node and RESUMEs, exactly as its agent would (one implementation).
 * The printed {@link RoutingReport} decides the outcome: APPLIED only when the promotion's cluster is routed at or
 * above its epoch; a host that could verify no such primary is fenced closed there (rw disabled, sessions cut), which
 * is safe but not a repair; anything else is refused as it is.
 */
public final class RemoteRepair {
    /** Values put into the remote command line: the cluster name comes from an event, so it is checked. */
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._-]+");
    private static final int MAX_SAID = 600;
    private final SshConnector ssh;

    public RemoteRepair(SshConnector ssh) {
        this.ssh = ssh;
    }

    /** The remote command; null when the promotion's cluster or system identifier cannot go into a command line. */
    public static String applyCommand(RemoteHost host, Promotion promotion) {
        String cluster = promotion.cluster();
        String system = promotion.epoch().systemIdentifier();
        if (!SAFE.matcher(cluster).matches() || !SAFE.matcher(system).matches()) {
            return null;
        }
        return host.pgfenceCommand() + " apply --json --config " + host.agentConfig()
                + (host.envFile() == null ? "" : " --env-file " + host.envFile())
                + " --floor " + cluster + "=" + promotion.epoch().timeline() + "@" + system;
    }

    public RepairResult repair(Promotion promotion, RemoteHost host) {
        String command = applyCommand(host, promotion);
        if (command == null) {
            return RepairResult.failed(Outcome.RENDER_FAILED, "cluster '" + promotion.cluster() + "' or system '"
                    + promotion.epoch().systemIdentifier() + "' is not a plain name; not put into a remote command");
        }
        ExecResult result;
        try (SshSession session = ssh.connect(host.address())) {
            result = session.exec(command);
        } catch (SshException e) {
            return RepairResult.failed(outcomeOf(e), e.getMessage());
        }
        return judge(promotion, command, result);
    }

    /** The outcome of one remote apply from what it printed. */
    static RepairResult judge(Promotion promotion, String command, ExecResult result) {
        RoutingReport report;
        try {
            report = RoutingReport.fromJson(result.stdout());
        } catch (InvalidEventException e) {
            return RepairResult.failed(Outcome.RENDER_FAILED, "'" + command + "' exited " + result.exitStatus()
                    + " without a routing report (" + e.getMessage() + ")" + said(result));
        }
        ClusterRouting routing = report.cluster(promotion.cluster()).orElse(null);
        if (routing == null) {
            return RepairResult.failed(Outcome.RENDER_FAILED, "host " + report.host() + " serves no cluster '"
                    + promotion.cluster() + "' (its agent config has " + report.clusters().stream()
                    .map(ClusterRouting::cluster).toList() + ")");
        }
        if (routing.serves(promotion.epoch())) {
            return new RepairResult(Outcome.APPLIED, routing.targets(), report.configSha256(), null);
        }
        if (routing.fencedClosed()) {
            return new RepairResult(Outcome.FENCED_CLOSED, routing.targets(), report.configSha256(),
                    "the host verifies no primary at or above " + promotion.epoch() + "; its rw entries are closed: "
                            + routing.reason());
        }
        if (routing.status() != null && !routing.status().isGood()) {
            return RepairResult.failed(Outcome.RELOAD_FAILED, "the host's apply ended " + routing.status() + ": "
                    + routing.reason());
        }
        return RepairResult.failed(Outcome.ROUTES_ELSEWHERE, "the host routes at " + routing.epoch() + " "
                + routing.targets() + ", below the promotion's " + promotion.epoch());
    }

    private static String said(ExecResult result) {
        String err = result.stderr().strip();
        if (err.isEmpty()) {
            return "";
        }
        String tail = err.length() > MAX_SAID ? "..." + err.substring(err.length() - MAX_SAID) : err;
        return "; it said: " + tail.replaceAll("\\s*\\n\\s*", " | ");
    }

    static Outcome outcomeOf(SshException e) {
        return switch (e.kind()) {
            case HOST_KEY -> Outcome.HOST_KEY_REJECTED;
            case AUTH -> Outcome.AUTH_FAILED;
            case UNREACHABLE, TIMEOUT -> Outcome.UNREACHABLE;
            case IO -> Outcome.UPLOAD_FAILED;
        };
    }
}
