package org.pgfence.lab.it.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.pgfence.lab.it.audit.AuditLabSteps.YAML;
import static org.pgfence.lab.it.audit.AuditLabSteps.auditConfig;
import static org.pgfence.lab.it.audit.AuditLabSteps.auditorKnownHosts;
import static org.pgfence.lab.it.audit.AuditLabSteps.keepLogs;
import static org.pgfence.lab.it.audit.AuditLabSteps.occurrences;
import static org.pgfence.lab.it.audit.AuditLabSteps.prepareNode3ForAnOperatorPromotion;
import static org.pgfence.lab.it.audit.AuditLabSteps.promoteNode3ByHand;
import static org.pgfence.lab.it.audit.AuditLabSteps.section;
import static org.pgfence.lab.it.audit.AuditLabSteps.startClock;
import static org.pgfence.lab.it.audit.AuditLabSteps.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.pgfence.audit.Auditor;
import org.pgfence.audit.config.AuditConfig;
import org.pgfence.events.FencingAck;
import org.pgfence.events.MasterPromoted;
import org.pgfence.events.PgfenceEvent;
import org.pgfence.events.kafka.Topics;
import org.pgfence.lab.Browser;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabExtension;
import org.pgfence.lab.LabNode;
import org.pgfence.lab.LabPgbouncer;
import org.pgfence.lab.drill.DrillConfigs;
import org.pgfence.lab.drill.Fencing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * {@code pgfence audit} on the real lab: the store is the lab's separate PostgreSQL, Kafka is real, the three
 * agents and the auditor are separate JVMs. Two promotions share one lab. First repmgrd fails node1 over to
 * node2 with every agent up: one complete promotion, three APPLIED rows; redelivered acks and a second auditor
 * re-reading every topic change no row. Then every agent is stopped, node2 crashes and node3's promote_command
 * promotes it: all three hosts are overdue; SSH repairs node1's pgbouncer; a host missing from the auditor's
 * known_hosts and one with a wrong key there are refused once and reported; the agents coming back complete it.
 * Then a host whose pgbouncer stops is shown REGRESSED, with what its agent reports now, until it serves again; and
 * an inventory host whose agent never registered is overdue and keeps a promotion incomplete.
 */
@ExtendWith(LabExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS) // each test; measured at most a third of this
class AuditFencingIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLUSTER = "audit-it";
    private static final Duration FAILOVER = Duration.ofSeconds(90);

    private static Fencing fencing;
    private static AuditStoreRows store;
    private static AuditorMetrics metrics;
    private static KafkaProgress progress;
    private static Path knownHosts;
    private static String groupId;

    @BeforeAll
    static void startPgfence(Lab lab) throws IOException {
        Browser.ensureInstalled();
        startClock();
        // A long reconcile interval keeps timer reconciles out of the failover windows: each agent's ack of
        // the promotion is then the one that changed its ini (APPLIED), not an UNCHANGED after a timer beat it.
        DrillConfigs configs = new DrillConfigs(lab, CLUSTER, "audit-it-" + UUID.randomUUID().toString().substring(0, 8),
                Duration.ofSeconds(60), true);
        fencing = new Fencing(lab, configs, Clock.systemUTC()).start(false);
        knownHosts = auditorKnownHosts(lab, configs.dir());
        groupId = "pgfence-audit." + configs.topicPrefix();
        // Agents stopped just before a failover must still count as expected: on two busy cores a promotion's
        // occurredAt can lie 30-40 s after the crash (every repmgr hook is a JVM start), so a generous TTL.
        Map<String, Object> config = auditConfig(fencing);
        config.put("heartbeatTtl", "2m");
        section(section(config, "remediation"), "ssh").put("knownHosts", knownHosts.toString());
        YAML.writeValue(fencing.configs().auditConfig().toFile(), config);
        fencing.startAuditor();
        step("agents and auditor started");
        store = new AuditStoreRows(lab);
        metrics = new AuditorMetrics(lab.layout().hubAddress(), DrillConfigs.AUDIT_HTTP_PORT);
        progress = new KafkaProgress(fencing.kafka());
        await("every agent registered with the auditor").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions() // the auditor creates its tables when it starts
                .untilAsserted(() -> assertThat(store.count("SELECT count(*) FROM agent WHERE ? = ANY (clusters)", CLUSTER))
                        .isEqualTo(3));
        assertThat(fencing.awaitRouted("appdb-rw", lab.node(1), Duration.ofSeconds(30))).isTrue();
        step("agents registered and routing to node1");
    }

    @AfterAll
    static void stopPgfence() throws IOException {
        if (progress != null) {
            progress.close();
        }
        if (fencing != null) {
            fencing.close();
            keepLogs(fencing.lab(), Path.of("target", "audit-it-logs"));
        }
    }

    @Test
    @Order(1)
    void aFailoverWithThreeLiveAgentsEndsInOneCompletePromotionWithThreeAppliedAcks(Lab lab) throws Exception {
        lab.stopNode(1);
        step("node1 crashed");
        LabNode primary = lab.awaitSinglePrimary(1, FAILOVER);
        assertThat(primary.name()).isEqualTo("node2");
        step("node2 promoted");

        await("the promotion recorded complete").atMost(FAILOVER).pollInterval(Duration.ofMillis(250))
                .until(() -> store.promotions(CLUSTER).stream().anyMatch(p -> p.get("completed_at") != null));
        step("promotion complete in the store");
        List<Map<String, String>> promotions = store.promotions(CLUSTER);
        assertThat(promotions).hasSize(1);
        Map<String, String> promotion = promotions.get(0);
        long id = Long.parseLong(promotion.get("id"));
        assertThat(promotion).containsEntry("timeline", "2").containsEntry("new_primary_name", "node2")
                .containsEntry("expected", "node1,node2,node3");
        assertThat(Long.parseLong(promotion.get("duration_ms"))).isNotNegative();
        List<Map<String, String>> acks = store.acks(id);
        assertThat(acks).extracting(a -> a.get("host") + " " + a.get("status") + " tl" + a.get("timeline"))
                .containsExactly("node1 APPLIED tl2", "node2 APPLIED tl2", "node3 APPLIED tl2");
        assertThat(acks).allSatisfy(a -> assertThat(a.get("agent_id")).isNotEqualTo("audit"));
        // promote and notify both announce the promotion: every announcement is linked to the one promotion. The
        // same event may be on the topic twice (promote and a concurrent spool flush both publish a spooled file:
        // at-least-once), and is linked once
        await("every announcement linked to promotion #" + id).atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(store.count("SELECT count(*) FROM promotion_event WHERE promotion_id = ?", id))
                        .isEqualTo(announcements(2).stream().map(MasterPromoted::eventId).distinct().count()));
        assertThat(store.count("SELECT count(*) FROM overdue")).isZero();

        // each agent's next heartbeat (every 2 s) says what its host routes now; until it has come, the one before says
        // what it routed before its last ack (the duplicate announcements of the promotion are acked too)
        String node2 = "node2(2)@" + lab.node(2).address() + ":5432";
        String routesToNode2 = ", now routes appdb-rw -> " + Pattern.quote(node2)
                + " at timeline 2 \\(reported \\d+ s ago\\)";
        Pattern hostLine = Pattern.compile("(?m)^    node\\d +ACKED +APPLIED at timeline 2, acked after \\d+ ms"
                + routesToNode2 + "$");
        Fencing.AuditStatus status = awaitStatus(CLUSTER, "every host reports it routes to node2 since its last ack",
                out -> hostLine.matcher(out).results().count() == 3);
        assertThat(status.exitCode()).as(status.out() + status.err()).isZero();
        assertThat(status.out())
                .contains("promotion #" + id + " cluster " + CLUSTER + " timeline 2 (system ")
                .contains("  new primary node2(2)@" + lab.node(2).address() + ":5432")
                .containsPattern("occurred \\S+  COMPLETE in \\d+ ms \\(at \\S+\\)\n")
                .containsPattern("\n    node1 +ACKED +APPLIED at timeline 2, acked after \\d+ ms" + routesToNode2 + "\n")
                .containsPattern("\n    node2 +ACKED +APPLIED at timeline 2, acked after \\d+ ms" + routesToNode2 + "\n")
                .containsPattern("\n    node3 +ACKED +APPLIED at timeline 2, acked after \\d+ ms" + routesToNode2 + "\n")
                .contains("cluster " + CLUSTER + ": latest promotion #" + id + " (timeline 2) is COMPLETE\n")
                .endsWith("OK (exit 0)\n")
                .doesNotContain("remediated", "OVERDUE");
        JsonNode json = statusJson(0);
        assertThat(json.get("ok").asBoolean()).isTrue();
        JsonNode p = json.get("promotions").get(0);
        assertThat(p.get("id").asLong()).isEqualTo(id);
        assertThat(p.get("complete").asBoolean()).isTrue();
        assertThat(p.get("durationMs").asLong()).isEqualTo(Long.parseLong(promotion.get("duration_ms")));
        assertThat(p.get("hosts")).extracting(h -> h.get("host").asText() + " " + h.get("state").asText() + " "
                        + h.get("status").asText() + " " + h.get("remediated").asBoolean())
                .containsExactly("node1 ACKED APPLIED false", "node2 ACKED APPLIED false", "node3 ACKED APPLIED false");
        assertThat(p.get("hosts")).allSatisfy(h -> {
            assertThat(h.get("now").get("serves").asBoolean()).as(h.toString()).isTrue();
            assertThat(h.get("now").get("epoch").get("timeline").asInt()).isEqualTo(2);
            assertThat(h.get("agentRegistered").asBoolean()).isTrue();
        });

        Map<String, Double> m = metrics.scrape();
        assertThat(m).containsEntry("pgfence_audit_promotions_total", 1.0)
                .containsEntry("pgfence_audit_promotions_complete_total", 1.0)
                .containsEntry("pgfence_audit_completion_seconds_count", 1.0)
                .containsEntry("pgfence_audit_overdue_hosts", 0.0)
                .containsEntry("pgfence_audit_overdue_marked_total", 0.0);
        assertThat(m.keySet()).noneMatch(k -> k.startsWith("pgfence_audit_remediations_total{"));
        // written at the end of the tick that marked the promotion complete: awaited
        await("per-cluster gauges").atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(metrics.scrape())
                .containsEntry("pgfence_audit_promotions_open{cluster=\"" + CLUSTER + "\",state=\"pending\"}", 0.0)
                .containsEntry("pgfence_audit_promotions_open{cluster=\"" + CLUSTER + "\",state=\"overdue\"}", 0.0)
                .containsEntry("pgfence_audit_latest_promotion_hosts{cluster=\"" + CLUSTER + "\",state=\"acked\"}", 3.0)
                .containsEntry("pgfence_audit_latest_promotion_hosts{cluster=\"" + CLUSTER + "\",state=\"overdue\"}", 0.0));
    }

    @Test
    @Order(2)
    void redeliveredAcksAndASecondAuditorReadingTheWholeLogDuplicateNoRow(Lab lab) throws Exception {
        List<FencingAck> acks = fencing.watch().events(FencingAck.class, a -> a.cluster().equals(CLUSTER));
        assertThat(acks).hasSizeGreaterThanOrEqualTo(6); // three start reconciles, three answers to the promotion
        Map<TopicPartition, Long> seen = progress.ends(); // every ack above is in the log before these offsets
        await("the auditor stored every ack seen").atMost(Duration.ofSeconds(30)).until(() -> progress.caughtUp(groupId, seen));
        Map<String, List<Map<String, String>>> before = store.snapshot();
        try (KafkaProducer<String, PgfenceEvent> producer = new KafkaProducer<>(
                fencing.kafka().producer("audit-it-redeliver", Duration.ofSeconds(10)))) {
            Topics topics = fencing.kafka().topics();
            for (FencingAck a : acks) {
                producer.send(new ProducerRecord<>(topics.acks(), Topics.ackKey(a.cluster(), a.host()), a)).get();
            }
        }
        Map<TopicPartition, Long> ends = progress.ends();
        await("the auditor read the redelivered acks").atMost(Duration.ofSeconds(30))
                .until(() -> progress.caughtUp(groupId, ends));
        Set<String> redelivered = acks.stream().map(a -> a.ackId().toString()).collect(Collectors.toSet());
        assertNothingDuplicated(before, redelivered);
        step("redelivered acks read, no row duplicated");

        // A second auditor with a fresh consumer group reads every topic from the earliest record, next to the first.
        String rereadGroup = groupId + ".reread";
        Map<String, Object> config = auditConfig(fencing);
        config.put("groupId", rereadGroup);
        config.put("http", Map.of("bind", lab.layout().hubAddress(), "port", 0));
        section(section(config, "remediation"), "ssh").put("enabled", false);
        Path rereadConfig = fencing.configs().dir().resolve("audit-reread.yaml");
        YAML.writeValue(rereadConfig.toFile(), config);
        Map<TopicPartition, Long> all = progress.ends();
        try (Auditor second = new Auditor(AuditConfig.load(rereadConfig, Map.of()), Clock.systemUTC())) {
            second.start();
            await("the second auditor read every topic from the start").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500)).until(() -> progress.caughtUp(rereadGroup, all));
            assertThat(second.metrics().render()).contains("pgfence_audit_promotions_total 0\n");
        }
        assertNothingDuplicated(before, redelivered);
        step("a second auditor re-read every topic, no row duplicated");
        assertThat(fencing.auditStatus("--cluster", CLUSTER).exitCode()).isZero();
        assertThat(metrics.scrape()).containsEntry("pgfence_audit_promotions_total", 1.0)
                .containsEntry("pgfence_audit_promotions_complete_total", 1.0);
    }

    @Test
    @Order(3)
    void agentsStoppedBeforeAFailoverAreOverdueThenRepairedOverSshOrReportedOnceForABadHostKey(Lab lab) throws Exception {
        prepareNode3ForAnOperatorPromotion(fencing, lab);
        step("node3 streams from node2, its repmgrd stopped");
        lab.pgbouncers().forEach(fencing::stopAgent);
        step("agents stopped");
        lab.stopNode(2);
        assertThat(promoteNode3ByHand(fencing, lab)).isZero();
        LabNode primary = lab.awaitSinglePrimary(2, FAILOVER);
        assertThat(primary.name()).isEqualTo("node3");
        step("node3 promoted");
        await("the second promotion recorded").atMost(FAILOVER).pollInterval(Duration.ofMillis(250))
                .until(() -> store.promotions(CLUSTER).size() == 2);
        Map<String, String> promotion = store.promotions(CLUSTER).get(1);
        long id = Long.parseLong(promotion.get("id"));
        assertThat(promotion).containsEntry("timeline", "3").containsEntry("new_primary_name", "node3")
                .containsEntry("expected", "node1,node2,node3");

        // node1: repaired (a second attempt is allowed: the remote render's 1 s connect timeout may miss on busy cores)
        try {
            await("node1 repaired, node2 and node3 refused").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> outcomes(id).contains("node1 APPLIED") && outcomes(id).stream()
                            .filter(o -> o.startsWith("node2 ") || o.startsWith("node3 ")).count() == 2);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("remediations after 120 s: " + store.remediations(id), e);
        }
        assertThat(outcomes(id)).containsSubsequence("node2 HOST_KEY_REJECTED", "node3 HOST_KEY_REJECTED")
                .endsWith("node3 HOST_KEY_REJECTED").hasSizeLessThanOrEqualTo(4);
        step("remediations done: " + outcomes(id));
        List<Map<String, String>> remediations = store.remediations(id);
        Map<String, String> node2 = remediations.stream().filter(r -> r.get("host").equals("node2")).findFirst().orElseThrow();
        Map<String, String> node3 = remediations.stream().filter(r -> r.get("host").equals("node3")).findFirst().orElseThrow();
        assertThat(node2.get("error")).contains("host key for " + lab.node(2).address() + ":2222 is not in "
                + knownHosts + " (refusing to connect)");
        assertThat(node3.get("error")).contains("host key for " + lab.node(3).address() + ":2222 does not"
                + " match the key in " + knownHosts);
        // the repair: node1's pgbouncer now routes writes to the new primary; the refused hosts were not touched
        String newPrimary = primary.address() + ":5432";
        assertThat(Fencing.target(lab.pgbouncer(1), "appdb-rw")).isEqualTo(newPrimary);
        assertThat(Fencing.target(lab.pgbouncer(2), "appdb-rw")).isEqualTo(lab.node(2).address() + ":5432");
        assertThat(Fencing.target(lab.pgbouncer(3), "appdb-rw")).isEqualTo(lab.node(2).address() + ":5432");
        assertThat(store.acks(id)).extracting(a -> a.get("host") + " " + a.get("status") + " " + a.get("agent_id"))
                .containsExactly("node1 APPLIED audit", "node2 FAILED audit", "node3 FAILED audit");

        // refused hosts are reported, never retried: one attempt each, one report each, for a while
        List<String> settled = outcomes(id);
        await("no retry of a refused host key").pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(outcomes(id)).isEqualTo(settled));
        String log = Files.readString(fencing.processes().log("audit"));
        assertThat(occurrences(log, "Overdue host not remediated (" + id + "/node2)")).isEqualTo(1);
        assertThat(occurrences(log, "Overdue host not remediated (" + id + "/node3)")).isEqualTo(1);

        step("no retry seen");
        Fencing.AuditStatus incomplete = fencing.auditStatus("--cluster", CLUSTER);
        assertThat(incomplete.exitCode()).as(incomplete.out() + incomplete.err()).isEqualTo(1);
        assertThat(incomplete.out())
                .contains("promotion #" + id + " cluster " + CLUSTER + " timeline 3")
                .containsPattern("occurred \\S+  INCOMPLETE\n")
                .containsPattern("\n    node1 +ACKED +APPLIED at timeline 3, acked after \\d+ ms, remediated over SSH,"
                        + " overdue since \\S+, remediation: (#1 [A-Z_]+ \\(.*\\); )?#\\d APPLIED"
                        // its agent is down: the last it reported predates the repair, and says so
                        + ", now routes appdb-rw -> node2\\(2\\)@\\S+ at timeline 2"
                        + " \\(reported \\d+ s ago, before its last good ack\\)\n")
                .containsPattern("\n    node2 +OVERDUE +FAILED at timeline \\?, overdue since \\S+, error: host_key_rejected: "
                        + "host key for \\S+ is not in .*, remediation: #1 HOST_KEY_REJECTED \\(host key for ")
                .containsPattern("\n    node3 +OVERDUE +FAILED at timeline \\?, overdue since \\S+, error: host_key_rejected: ")
                // what the overdue hosts' pgbouncers still do, as their agents last said: route to the dead node2
                .containsPattern("\n    node2 +OVERDUE [^\n]*, now routes appdb-rw -> node2\\(2\\)@\\S+ at timeline 2"
                        + " \\(reported \\d+ s ago\\)\n")
                .contains("cluster " + CLUSTER + ": latest promotion #" + id + " (timeline 3) is INCOMPLETE\n")
                .endsWith("NOT OK (exit 1)\n");
        JsonNode hosts = statusJson(1).get("promotions").get(0).get("hosts");
        assertThat(hosts).extracting(h -> h.get("host").asText() + " " + h.get("state").asText() + " "
                        + h.get("remediated").asBoolean() + " " + !h.get("overdueSince").isNull())
                .containsExactly("node1 ACKED true true", "node2 OVERDUE false true", "node3 OVERDUE false true");
        assertThat(hosts.get(0).get("agentId").asText()).isEqualTo("audit");
        assertThat(hosts.get(1).get("remediations").get(0).get("outcome").asText()).isEqualTo("HOST_KEY_REJECTED");

        Map<String, Double> m = metrics.scrape();
        assertThat(m).containsEntry("pgfence_audit_promotions_total", 2.0)
                .containsEntry("pgfence_audit_overdue_marked_total", 3.0)
                .containsEntry("pgfence_audit_overdue_hosts", 2.0)
                .containsEntry("pgfence_audit_promotions_open{cluster=\"" + CLUSTER + "\",state=\"overdue\"}", 1.0)
                .containsEntry("pgfence_audit_latest_promotion_hosts{cluster=\"" + CLUSTER + "\",state=\"acked\"}", 1.0)
                .containsEntry("pgfence_audit_latest_promotion_hosts{cluster=\"" + CLUSTER + "\",state=\"overdue\"}", 2.0)
                .containsEntry("pgfence_audit_remediations_total{outcome=\"applied\"}", 1.0)

                .containsEntry("pgfence_audit_remediations_total{outcome=\"host_key_rejected\"}", 2.0)
                .containsEntry("pgfence_audit_promotions_complete_total", 1.0);
        assertThat(m.entrySet().stream().filter(e -> e.getKey().startsWith("pgfence_audit_remediations_total{"))
                .mapToDouble(Map.Entry::getValue).sum()).isEqualTo(outcomes(id).size());

        // the picture an operator looks at, in a real browser: one row and one timeline bar per expected host
        String page = "http://" + lab.layout().hubAddress() + ":" + DrillConfigs.AUDIT_HTTP_PORT + "/promotions/" + id;
        String dom = Browser.dom(page);
        assertThat(dom).as(dom).contains("<h1>Promotion #" + id + ": " + CLUSTER + ", timeline 3</h1>",
                "<span id=\"verdict\" class=\"bad\">INCOMPLETE</span>")
                .containsPattern("<tr class=\"host acked\" data-host=\"node1\"><td>node1</td><td>ACKED \\(overdue since"
                        + " [^)]+\\)</td><td>[^<]*</td><td>\\+\\d+ ms</td><td>\\+\\d+ ms</td><td>SSH #1 APPLIED</td>")
                .containsPattern("<tr class=\"host overdue\" data-host=\"node2\"><td>node2</td><td>OVERDUE \\(overdue"
                        + " since [^)]+\\)</td>(<td>[^<]*</td>){3}<td>SSH #1 HOST_KEY_REJECTED")
                .containsPattern("<tr class=\"host overdue\" data-host=\"node3\">")
                .contains("<g class=\"row acked\">", "<g class=\"row overdue\">", "<title>announced to the auditor +");
        assertThat(dom.split("<tr class=\"host ", -1)).as("one row per expected host").hasSize(4);
        assertThat(Browser.dom("http://" + lab.layout().hubAddress() + ":" + DrillConfigs.AUDIT_HTTP_PORT
                + "/promotions")).contains("<a href=\"/promotions/" + id + "\">#" + id + "</a>");
        Path shot = Path.of("target", "promotion-page-overdue.png").toAbsolutePath();
        Browser.screenshot(page, shot, 1000, 660);
        assertThat(Files.size(shot)).as(shot.toString()).isGreaterThan(5_000);
        step("promotion page checked in chromium: " + shot);

        // the refused hosts' own agents come back, reconcile and ack: the promotion completes
        step("status and metrics checked");
        fencing.startAgent(lab.pgbouncer(2));
        fencing.startAgent(lab.pgbouncer(3));
        await("the promotion completes").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> fencing.auditStatus("--cluster", CLUSTER).exitCode() == 0);
        step("promotion complete after the agents came back");
        Fencing.AuditStatus complete = fencing.auditStatus("--cluster", CLUSTER);
        assertThat(complete.out())
                .containsPattern("occurred \\S+  COMPLETE in \\d+ ms")
                .containsPattern("\n    node1 +ACKED +APPLIED at timeline 3, acked after \\d+ ms, remediated over SSH")
                .containsPattern("\n    node2 +ACKED +(APPLIED|UNCHANGED) at timeline 3, acked after \\d+ ms, overdue since")
                .contains("cluster " + CLUSTER + ": latest promotion #" + id + " (timeline 3) is COMPLETE\n")
                .endsWith("OK (exit 0)\n");
        assertThat(fencing.awaitRouted("appdb-rw", primary, Duration.ofSeconds(30))).isTrue();
        assertThat(store.remediations(id)).hasSize(3);
        await("metrics show the completion").atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(metrics.scrape()).containsEntry("pgfence_audit_promotions_complete_total", 2.0)
                        .containsEntry("pgfence_audit_completion_seconds_count", 2.0)
                        .containsEntry("pgfence_audit_overdue_hosts", 0.0));
    }

    /**
     * An ack that was once good says nothing of what a host does later (DESIGN rule 10). node2's pgbouncer stops after
     * the promotion to node3 completed: its agent's next reconcile fails, its next heartbeat says so, and the audit
     * shows node2 REGRESSED with what it reports now; the promotion stays recorded COMPLETE (it was), but the status
     * is NOT OK until node2 serves again.
     */
    @Test
    @Order(4)
    void aHostThatStopsServingACompletePromotionIsShownRegressedWithWhatItReportsNow(Lab lab) throws Exception {
        Map<String, String> promotion = store.promotions(CLUSTER).get(1);
        long id = Long.parseLong(promotion.get("id"));
        assertThat(promotion.get("completed_at")).as("promotion #" + id + " recorded complete").isNotNull();
        LabNode primary = lab.node(3);
        String routesToPrimary = "now routes appdb-rw -> node3\\(3\\)@" + primary.address().replace(".", "\\.")
                + ":5432 at timeline 3 \\(reported \\d+ s ago\\)";
        LabPgbouncer pgb2 = lab.pgbouncer(2);
        lab.stopPgbouncer(2);
        fencing.reconcileNow(pgb2); // its timer (60 s) would come too late for this test
        step("node2's pgbouncer stopped, its agent told to reconcile");
        Fencing.AuditStatus regressed = awaitStatus(CLUSTER, "node2 shown regressed",
                out -> out.contains("    node2            REGRESSED"));
        step("audit status --cluster " + CLUSTER + ":\n" + regressed.out());
        assertThat(regressed.exitCode()).as(regressed.out() + regressed.err()).isEqualTo(1);
        assertThat(regressed.out())
                .contains("promotion #" + id + " cluster " + CLUSTER + " timeline 3")
                .containsPattern("occurred \\S+  COMPLETE in \\d+ ms \\(at \\S+\\)\n")
                .containsPattern("\n    node2 +REGRESSED +(APPLIED|UNCHANGED) at timeline 3, acked after \\d+ ms, [^\n]*"
                        + "now FAILED: [^\n]*pgbouncer admin [^\n]*\\(reported \\d+ s ago\\)\n")
                .containsPattern("\n    node3 +ACKED +(APPLIED|UNCHANGED) at timeline 3, acked after \\d+ ms, [^\n]*"
                        + routesToPrimary + "\n")
                .contains("cluster " + CLUSTER + ": latest promotion #" + id + " (timeline 3) is COMPLETE;"
                        + " REGRESSED now: node2\n")
                .endsWith("NOT OK (exit 1)\n");
        JsonNode p = statusJson(1).get("promotions").get(0);
        assertThat(p.get("complete").asBoolean()).as("recorded complete, and it was").isTrue();
        JsonNode node2 = p.get("hosts").get(1);
        assertThat(node2.get("state").asText()).isEqualTo("REGRESSED");
        assertThat(node2.get("now").get("serves").asBoolean()).isFalse();
        assertThat(node2.get("now").get("status").asText()).isEqualTo("FAILED");
        assertThat(node2.get("now").get("reportedAt").isNull()).isFalse();
        assertThat(p.get("hosts").get(2).get("now").get("serves").asBoolean()).isTrue();

        lab.startPgbouncer(2);
        fencing.reconcileNow(pgb2);
        step("node2's pgbouncer started again, its agent told to reconcile");
        Fencing.AuditStatus serves = awaitStatus(CLUSTER, "node2 serves the promotion again",
                out -> out.endsWith("\nOK (exit 0)\n"));
        step("node2 serves again");
        assertThat(serves.exitCode()).isZero();
        assertThat(serves.out())
                .containsPattern("\n    node2 +ACKED +(APPLIED|UNCHANGED) at timeline 3, acked after \\d+ ms, [^\n]*"
                        + routesToPrimary + "\n")
                .contains("cluster " + CLUSTER + ": latest promotion #" + id + " (timeline 3) is COMPLETE\n")
                .endsWith("OK (exit 0)\n");
    }

    /**
     * The hosts that must answer are a configured inventory plus every registered agent (DESIGN rule 10): a pgbouncer
     * host whose agent was never installed is named overdue, and blocks completion, instead of being unknown. The
     * promotion is of a cluster no lab agent serves (announced on the real topic; the lab's own cluster cannot fail
     * over a third time cheaply), its inventory one host that never ran an agent.
     */
    @Test
    @Order(5)
    void anInventoryHostWhoseAgentNeverRegisteredIsOverdueAndBlocksCompletion(Lab lab) throws Exception {
        String cluster = CLUSTER + "-inventory";
        Map<String, Object> config = auditConfig(fencing);
        config.put("inventory", Map.of(CLUSTER, List.of("node1", "node2", "node3"), cluster, List.of("pgb-never")));
        YAML.writeValue(fencing.configs().auditConfig().toFile(), config);
        fencing.startAuditor(); // stops the running one first
        step("auditor restarted with an inventory");
        MasterPromoted promoted = new MasterPromoted(MasterPromoted.SCHEMA_VERSION, UUID.randomUUID(), cluster,
                java.time.Instant.now(), "node9", org.pgfence.events.Trigger.STANDBY_PROMOTE, null,
                new org.pgfence.events.NodeRef(9, "node9", "127.0.0.99", 5432), null,
                new org.pgfence.events.Epoch(2, "7000000000000000009"));
        try (KafkaProducer<String, PgfenceEvent> producer = new KafkaProducer<>(
                fencing.kafka().producer("audit-it-inventory", Duration.ofSeconds(10)))) {
            producer.send(new ProducerRecord<>(fencing.kafka().topics().promotions(), Topics.promotionKey(cluster),
                    promoted)).get();
        }
        step("a promotion of " + cluster + " announced");
        Fencing.AuditStatus s = awaitStatus(cluster, "pgb-never marked overdue",
                out -> out.contains("pgb-never        OVERDUE  overdue since"));
        step("pgb-never overdue; audit status --cluster " + cluster + ":\n" + s.out());
        assertThat(s.exitCode()).as(s.out() + s.err()).isEqualTo(1);
        assertThat(s.out())
                .containsPattern("occurred \\S+  INCOMPLETE\n")
                .containsPattern("\n    pgb-never +OVERDUE +overdue since \\S+, no agent ever registered\n")
                .contains("cluster " + cluster + ": latest promotion #")
                .endsWith("NOT OK (exit 1)\n");
        assertThat(store.promotions(cluster)).singleElement().satisfies(row ->
                assertThat(row).containsEntry("expected", "pgb-never").containsEntry("completed_at", null));
        assertThat(store.count("SELECT count(*) FROM overdue o JOIN promotion p ON p.id = o.promotion_id"
                + " WHERE p.cluster = ? AND o.host = 'pgb-never'", cluster)).isEqualTo(1);
        // the lab's own cluster is unaffected: its inventory names the hosts whose agents registered anyway
        assertThat(fencing.auditStatus("--cluster", CLUSTER).exitCode()).isZero();
    }

    /**
     * The agents and repmgr keep running meanwhile, so new records may legitimately add rows (a timer reconcile's
     * ack, a late duplicate announcement linked to the promotion). What redelivery must never do: add a promotion,
     * change or drop a stored row, or store an ack it had already stored a second time.
     */
    private static void assertNothingDuplicated(Map<String, List<Map<String, String>>> before, Set<String> redelivered) {
        Map<String, List<Map<String, String>>> after = store.snapshot();
        assertThat(after.get("promotion")).isEqualTo(before.get("promotion"));
        before.forEach((table, rows) -> assertThat(after.get(table)).as(table).containsAll(rows));
        assertThat(after.get("ack").stream().map(r -> r.get("ack_id")).toList()).doesNotHaveDuplicates();
        assertThat(after.get("ack").stream().filter(r -> !before.get("ack").contains(r)))
                .as("rows added while acks were redelivered").noneMatch(r -> redelivered.contains(r.get("ack_id")));
    }

    /**
     * Waits up to 30 s for {@code audit status --cluster C}'s text to satisfy {@code condition} and returns that status
     * (a later one may differ: heartbeats and acks keep coming); else fails showing the last one.
     */
    private static Fencing.AuditStatus awaitStatus(String cluster, String what,
                                                   java.util.function.Predicate<String> condition) {
        AtomicReference<Fencing.AuditStatus> seen = new AtomicReference<>();
        try {
            await(what).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        seen.set(fencing.auditStatus("--cluster", cluster));
                        return condition.test(seen.get().out());
                    });
            return seen.get();
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            Fencing.AuditStatus s = fencing.auditStatus("--cluster", cluster);
            throw new AssertionError(what + ": not after 30 s; audit status --cluster " + cluster + " (exit "
                    + s.exitCode() + "):\n" + s.out() + s.err(), e);
        }
    }

    /** Each remediation attempt of promotion {@code id} as "host OUTCOME", by host and attempt. */
    private static List<String> outcomes(long id) {
        return store.remediations(id).stream().map(r -> r.get("host") + " " + r.get("outcome")).toList();
    }

    private static List<MasterPromoted> announcements(int timeline) {
        return fencing.watch().events(MasterPromoted.class, e -> e.cluster().equals(CLUSTER)
                && e.epoch().timeline() == timeline);
    }

    private static JsonNode statusJson(int expectedExit) throws IOException {
        Fencing.AuditStatus s = fencing.auditStatus("--cluster", CLUSTER, "--json");
        assertThat(s.exitCode()).as(s.out() + s.err()).isEqualTo(expectedExit);
        JsonNode json = JSON.readTree(s.out());
        assertThat(json.get("schemaVersion").asInt()).isEqualTo(1);
        assertThat(json.get("exitCode").asInt()).isEqualTo(expectedExit);
        assertThat(json.get("cluster").asText()).isEqualTo(CLUSTER);
        assertThat(json.get("clusters")).hasSize(1);
        JsonNode latest = json.get("clusters").get(0);
        assertThat(latest.get("complete").asBoolean() && latest.get("regressedHosts").isEmpty())
                .as(latest.toString()).isEqualTo(expectedExit == 0);
        return json;
    }

}
