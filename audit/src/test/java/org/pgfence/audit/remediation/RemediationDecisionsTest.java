package org.pgfence.audit.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pgfence.audit.config.AdminEndpoint;
import org.pgfence.audit.config.RemoteHost;
import org.pgfence.audit.pgbouncer.DatabaseIni;
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
            "/etc/pgfence/agent.yaml", "/lab/pgb1/pgbouncer.database.ini", new AdminEndpoint("127.0.0.11", 6432, "postgres"));

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
    void theRenderCommandRunsTheHostsOwnRendererWithItsAgentConfig() {
        assertThat(RemoteRepair.renderCommand(HOST)).isEqualTo("/opt/pgfence/bin/pgfence render --config /etc/pgfence/agent.yaml");
    }

    @Test
    void anIniThatRoutesRwElsewhereIsRefusedAndOneThatRoutesToTheNewPrimaryGivesTargets() {
        Promotion p = Fixtures.promotion(7, 2, "pgb1");
        DatabaseIni good = DatabaseIni.parse("[databases]\nappdb-rw = host=127.0.0.12 port=5432 dbname=appdb\n"
                + "appdb-ro = host=127.0.0.11 port=5432 dbname=appdb\n");
        assertThat(RemoteRepair.routesElsewhere(good, p.newPrimary())).isEmpty();
        assertThat(RemoteRepair.targets(good, p.newPrimary()))
                .containsExactly(DatabaseTarget.routed("appdb-rw", "rw", p.newPrimary()));
        DatabaseIni stale = DatabaseIni.parse("[databases]\nappdb-rw = host=127.0.0.11 port=5432 dbname=appdb\n");
        assertThat(RemoteRepair.routesElsewhere(stale, p.newPrimary())).containsExactly("appdb-rw->127.0.0.11:5432");
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
