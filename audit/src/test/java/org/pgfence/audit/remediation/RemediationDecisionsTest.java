package org.pgfence.audit.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pgfence.audit.config.RemoteHost;
import org.pgfence.audit.ssh.ExecResult;
import org.pgfence.events.ClusterRouting;
import org.pgfence.events.Epoch;
import org.pgfence.events.NodeRef;
import org.pgfence.events.RoutingReport;
import org.pgfence.audit.ssh.SshException;
import org.pgfence.audit.store.RemediationRecord;
import org.pgfence.audit.tracking.Fixtures;
import org.pgfence.audit.tracking.Promotion;
import org.pgfence.events.AckStatus;
import org.pgfence.events.DatabaseTarget;
import org.pgfence.events.EventJson;
import org.pgfence.events.FencingAck;

class RemediationDecisionsTest {
    private static final Instant AT = Fixtures.T0.plusSeconds(6);
    private static final RemoteHost HOST = new RemoteHost("pgb1", "127.0.0.11", "/opt/pgfence/bin/pgfence",
            "/etc/pgfence/agent.yaml", null);
    private static final NodeRef NODE1 = new NodeRef(1, "node1", "127.0.0.11", 5432);

    private static RemediationRecord attempt(int n, Outcome outcome) {
        return new RemediationRecord(7, "pgb1", n, outcome.name(), outcome == Outcome.APPLIED ? null : "why", AT);
    }

    @Test
    void attemptsAreBoundedAndPermanentFailuresAreNeverRetried() {
        Instant later = AT.plusSeconds(600);
        assertThat(AttemptPolicy.decide(List.of(), 2, AT).attempt()).isTrue();
        assertThat(AttemptPolicy.decide(List.of(attempt(1, Outcome.UNREACHABLE)), 2, later).attempt()).isTrue();
        AttemptPolicy.Decision exhausted = AttemptPolicy.decide(
                List.of(attempt(1, Outcome.UNREACHABLE), attempt(2, Outcome.RELOAD_FAILED)), 2, later);
        assertThat(exhausted.attempt()).isFalse();
        assertThat(exhausted.waiting()).isFalse();
        assertThat(exhausted.reason()).contains("gave up after 2 attempts", "RELOAD_FAILED");
        AttemptPolicy.Decision hostKey = AttemptPolicy.decide(List.of(attempt(1, Outcome.HOST_KEY_REJECTED)), 5, later);
        assertThat(hostKey.attempt()).isFalse();
        assertThat(hostKey.reason()).contains("failed permanently");
        assertThat(AttemptPolicy.decide(List.of(attempt(1, Outcome.AUTH_FAILED)), 5, later).attempt()).isFalse();
        assertThat(AttemptPolicy.decide(List.of(attempt(1, Outcome.APPLIED)), 5, later).attempt()).isFalse();
    }

    @Test
    void retriesWaitTwoSecondsThenTwiceAsLongEachTime() {
        List<RemediationRecord> one = List.of(attempt(1, Outcome.ROUTES_ELSEWHERE));
        AttemptPolicy.Decision early = AttemptPolicy.decide(one, 5, AT.plusMillis(1999));
        assertThat(early.attempt()).isFalse();
        assertThat(early.waiting()).as("a retry that is not due yet is not a reason to report").isTrue();
        assertThat(early.notBefore()).isEqualTo(AT.plusSeconds(2));
        assertThat(AttemptPolicy.decide(one, 5, AT.plusSeconds(2)).attempt()).isTrue();
        List<RemediationRecord> two = List.of(attempt(1, Outcome.UNREACHABLE), attempt(2, Outcome.UNREACHABLE));
        assertThat(AttemptPolicy.decide(two, 5, AT.plusSeconds(3)).notBefore()).isEqualTo(AT.plusSeconds(4));
        assertThat(AttemptPolicy.retryDelay(3)).hasSeconds(8);
        assertThat(AttemptPolicy.retryDelay(9)).isEqualTo(AttemptPolicy.MAX_RETRY);
    }

    @Test
    void theRepairRunsTheHostsOwnApplyWithItsAgentConfigAndThePromotionAsTheFloor() {
        Promotion p = Fixtures.promotion(7, 2, "pgb1");
        assertThat(RemoteRepair.applyCommand(HOST, p)).isEqualTo("/opt/pgfence/bin/pgfence apply --json --config"
                + " /etc/pgfence/agent.yaml --floor lab=2@" + p.epoch().systemIdentifier());
        RemoteHost withSecrets = new RemoteHost("pgb1", "127.0.0.11", "/usr/bin/pgfence", "/etc/pgfence/agent.yaml",
                "/etc/pgfence/agent.env");
        assertThat(RemoteRepair.applyCommand(withSecrets, p)).contains(" --env-file /etc/pgfence/agent.env --floor ");
    }

    @Test
    void aClusterNameFromAnEventThatIsNotAPlainNameNeverReachesTheRemoteShell() {
        Promotion p = Fixtures.promotion(7, 2, "pgb1");
        Promotion forged = new Promotion(p.id(), p.firstEventId(), "lab;rm -rf /", p.epoch(), p.newPrimary(),
                p.formerPrimary(), p.trigger(), p.occurredAt(), p.firstSeenAt(), null, p.expectedHosts());
        assertThat(RemoteRepair.applyCommand(HOST, forged)).isNull();
        RepairResult r = new RemoteRepair(null).repair(forged, HOST);
        assertThat(r.outcome()).isEqualTo(Outcome.RENDER_FAILED);
        assertThat(r.error()).contains("'lab;rm -rf /'", "not a plain name");
    }

    private static ExecResult report(int exit, ClusterRouting routing) {
        return new ExecResult(exit, new RoutingReport(1, "pgb1", List.of(routing), "abc", null).toJson(), "");
    }

    private static ClusterRouting routing(Integer timeline, boolean fenced, AckStatus status, DatabaseTarget... t) {
        Epoch e = timeline == null ? null : new Epoch(timeline, Fixtures.SYSTEM);
        return new ClusterRouting("lab", e, e, fenced, status, AT, List.of(t), fenced ? "no node verifies" : null);
    }

    @Test
    void onlyARoutingAtOrAboveThePromotionsEpochIsApplied() {
        Promotion p = Fixtures.promotion(7, 2, "pgb1");
        DatabaseTarget rw = DatabaseTarget.routed("appdb-rw", "rw", p.newPrimary());
        RepairResult ok = RemoteRepair.judge(p, "cmd", report(0, routing(2, false, AckStatus.APPLIED, rw)));
        assertThat(ok.outcome()).isEqualTo(Outcome.APPLIED);
        assertThat(ok.targets()).containsExactly(rw);
        assertThat(ok.configSha256()).isEqualTo("abc");
        assertThat(RemoteRepair.judge(p, "cmd", report(0, routing(3, false, AckStatus.UNCHANGED, rw))).outcome())
                .as("a later promotion's routing serves this one").isEqualTo(Outcome.APPLIED);

        RepairResult stale = RemoteRepair.judge(p, "cmd", report(0, routing(1, false, AckStatus.APPLIED,
                DatabaseTarget.routed("appdb-rw", "rw", NODE1))));
        assertThat(stale.outcome()).isEqualTo(Outcome.ROUTES_ELSEWHERE);
        assertThat(stale.error()).contains("below the promotion's");

        RepairResult fenced = RemoteRepair.judge(p, "cmd", report(4, routing(null, true, AckStatus.FENCED_CLOSED,
                new DatabaseTarget("appdb-rw", "rw", DatabaseTarget.DISABLED, null))));
        assertThat(fenced.outcome()).isEqualTo(Outcome.FENCED_CLOSED);
        assertThat(fenced.error()).contains("closed", "no node verifies");
        FencingAck ack = Remediator.ack(p, HOST, AT, AT, fenced);
        assertThat(ack.status()).as("closed is safe, but it is not a repair").isEqualTo(AckStatus.FENCED_CLOSED);
        assertThat(ack.status().isGood()).isFalse();

        RepairResult failed = RemoteRepair.judge(p, "cmd", report(1, new ClusterRouting("lab", null,
                new Epoch(2, Fixtures.SYSTEM), false, AckStatus.FAILED, AT, List.of(rw), "RELOAD failed: boom")));
        assertThat(failed.outcome()).isEqualTo(Outcome.RELOAD_FAILED);
        assertThat(failed.error()).contains("RELOAD failed: boom");
    }

    @Test
    void aCommandThatPrintsNoReportOrAnotherClusterIsNotApplied() {
        Promotion p = Fixtures.promotion(7, 2, "pgb1");
        RepairResult none = RemoteRepair.judge(p, "pgfence apply", new ExecResult(2, "",
                "pgfence: config /etc/pgfence/agent.yaml: unknown key 'x'\nsecond line"));
        assertThat(none.outcome()).isEqualTo(Outcome.RENDER_FAILED);
        assertThat(none.error()).contains("'pgfence apply' exited 2 without a routing report", "unknown key 'x'");
        RepairResult other = RemoteRepair.judge(p, "cmd", new ExecResult(0, new RoutingReport(1, "pgb1",
                List.of(new ClusterRouting("billing", null, null, false, AckStatus.APPLIED, AT, List.of(), null)),
                null, null).toJson(), ""));
        assertThat(other.outcome()).isEqualTo(Outcome.RENDER_FAILED);
        assertThat(other.error()).contains("serves no cluster 'lab'", "[billing]");
    }

    @Test
    void sshFailuresMapToOutcomesWithHostKeyAndAuthPermanent() {
        assertThat(RemoteRepair.outcomeOf(new SshException(SshException.Kind.HOST_KEY, "m", null)))
                .isEqualTo(Outcome.HOST_KEY_REJECTED).matches(Outcome::permanent);
        assertThat(RemoteRepair.outcomeOf(new SshException(SshException.Kind.AUTH, "m", null)))
                .isEqualTo(Outcome.AUTH_FAILED).matches(Outcome::permanent);
        assertThat(RemoteRepair.outcomeOf(new SshException(SshException.Kind.TIMEOUT, "m", null)))
                .isEqualTo(Outcome.UNREACHABLE).matches(o -> !o.permanent());
    }

    @Test
    void theOutcomeIsAnAckFromAuditThatAnswersThePromotion() {
        Promotion p = Fixtures.promotion(7, 2, "pgb1");
        RepairResult applied = new RepairResult(Outcome.APPLIED,
                List.of(DatabaseTarget.routed("appdb-rw", "rw", p.newPrimary())), "abc", null);
        FencingAck ack = Remediator.ack(p, HOST, AT, AT.plusMillis(250), applied);
        assertThat(ack.agentId()).isEqualTo("audit");
        assertThat(ack.eventId()).isEqualTo(p.firstEventId());
        assertThat(ack.status()).isEqualTo(AckStatus.APPLIED);
        assertThat(ack.epoch()).isEqualTo(p.epoch());
        assertThat(ack.timings().applyMillis()).isEqualTo(250);
        assertThat(EventJson.fromJson(EventJson.toJson(ack))).isEqualTo(ack);

        FencingAck failed = Remediator.ack(p, HOST, AT, AT, RepairResult.failed(Outcome.HOST_KEY_REJECTED,
                "host key for 127.0.0.11:2222 is not in /k (refusing to connect)"));
        assertThat(failed.status()).isEqualTo(AckStatus.FAILED);
        assertThat(failed.epoch()).isNull();
        assertThat(failed.error()).startsWith("host_key_rejected: host key for 127.0.0.11:2222");
    }
}
