package org.pgfence.lab.it.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pgfence.events.FencingAck;
import org.pgfence.events.MasterPromoted;
import org.pgfence.lab.Lab;
import org.pgfence.lab.LabNode;
import org.pgfence.lab.LabPgbouncer;
import org.pgfence.lab.drill.DrillConfigs;
import org.pgfence.lab.drill.Fencing;

/** What the fault ITs share: pgfence on a lab under a fresh topic prefix, and ways to look at it. */
final class FaultKit {
    static final String CLUSTER = "lab";
    static final Duration RECONCILE = Duration.ofSeconds(2);
    static final Duration SETUP = Duration.ofSeconds(90);
    static final Duration FENCING = Duration.ofSeconds(45);
    private static final ObjectMapper JSON = new ObjectMapper();

    private FaultKit() {
    }

    /** Configs under a fresh prefix (the test JVM's broker is shared by every class). */
    static Fencing fencing(Lab lab, String name, boolean sshRemediation) {
        String prefix = "it-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
        return new Fencing(lab, new DrillConfigs(lab, CLUSTER, prefix, RECONCILE, sshRemediation), Clock.systemUTC());
    }

    /** Waits until every agent acked good and every pgbouncer routes appdb-rw to {@code primary}. */
    static boolean awaitAgentsUp(Fencing f, LabNode primary) {
        long start = System.nanoTime();
        boolean acked = f.watch().await(SETUP, () -> f.lab().pgbouncers().stream()
                .allMatch(p -> !goodAcks(f, p, 0, Instant.EPOCH).isEmpty()));
        long ackedMs = (System.nanoTime() - start) / 1_000_000;
        boolean routed = acked && f.awaitRouted("appdb-rw", primary, Duration.ofSeconds(20));
        System.out.printf("  agents acked in %d ms after the wait began, routed in %d ms%n", ackedMs,
                (System.nanoTime() - start) / 1_000_000);
        return routed;
    }

    static List<FencingAck> acks(Fencing f, LabPgbouncer p) {
        return f.watch().events(FencingAck.class, a -> a.cluster().equals(CLUSTER) && a.host().equals(p.host()));
    }

    /** Good acks of {@code p} at a timeline >= {@code timeline}, received after {@code since}. */
    static List<FencingAck> goodAcks(Fencing f, LabPgbouncer p, int timeline, Instant since) {
        return acks(f, p).stream().filter(a -> a.status().isGood() && a.epoch() != null
                && a.epoch().timeline() >= timeline && !a.timings().receivedAt().isBefore(since)).toList();
    }

    static List<MasterPromoted> promotions(Fencing f, int timeline) {
        return f.watch().events(MasterPromoted.class, m -> m.cluster().equals(CLUSTER) && m.epoch().timeline() == timeline);
    }

    static String rw(LabNode node) {
        return node.address() + ":" + node.pgPort();
    }

    /** {@code pgfence audit status --cluster lab --json}, parsed. */
    static JsonNode audit(Fencing f) {
        Fencing.AuditStatus s = f.auditStatus("--cluster", CLUSTER, "--json");
        try {
            JsonNode doc = JSON.readTree(s.out());
            return doc == null ? JSON.createObjectNode() : doc;
        } catch (IOException e) {
            return JSON.createObjectNode().put("unparsable", s.out() + s.err());
        }
    }

    /** The newest promotion's line for {@code host} in the audit status, or a missing node. */
    static JsonNode auditHost(JsonNode doc, int timeline, String host) {
        for (JsonNode p : doc.path("promotions")) {
            if (p.path("epoch").path("timeline").asInt() == timeline) {
                for (JsonNode h : p.path("hosts")) {
                    if (host.equals(h.path("host").asText())) {
                        return h;
                    }
                }
            }
        }
        return JSON.missingNode();
    }

    static boolean auditComplete(JsonNode doc, int timeline) {
        for (JsonNode p : doc.path("promotions")) {
            if (p.path("epoch").path("timeline").asInt() == timeline && p.path("complete").asBoolean()) {
                return true;
            }
        }
        return false;
    }

    /** The agent's {@code GET /metrics}, or "" when it does not answer. */
    static String metrics(LabPgbouncer p) {
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest r = HttpRequest.newBuilder(URI.create("http://" + p.address() + ":" + DrillConfigs.AGENT_HTTP_PORT
                    + "/metrics")).timeout(Duration.ofSeconds(3)).build();
            return http.send(r, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** {@code GET url}: the status code and the body, or -1 and the error when it does not answer. */
    static Map.Entry<Integer, String> get(String url) {
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return Map.entry(r.statusCode(), r.body());
        } catch (IOException e) {
            return Map.entry(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.entry(-1, e.toString());
        }
    }

    /** The value of a metric line {@code name} (with its labels, exactly) in Prometheus text, or -1. */
    static double metric(String text, String nameWithLabels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(nameWithLabels) + " ([0-9.eE+-]+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    static String ini(LabPgbouncer p) {
        try {
            return Files.readString(p.databaseIni());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String agentLog(Fencing f, LabPgbouncer p) {
        try {
            return Files.readString(f.processes().log(Fencing.agentName(p)));
        } catch (IOException e) {
            return "";
        }
    }
}
