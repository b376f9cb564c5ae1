package org.pgfence.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process and JVM families, read from this very JVM: real values that move when the process does. */
class ProcessMetricsTest {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (\\S+)$");

    @TempDir
    Path dir;

    /** Every sample line, as name{labels} -> value; fails on a line that is neither a comment nor a sample. */
    private static Map<String, Double> samples(String text) {
        Map<String, Double> out = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("a sample line: '" + line + "'").isTrue();
            out.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
        }
        return out;
    }

    private static Map<String, Double> now() {
        StringBuilder out = new StringBuilder();
        ProcessMetrics.render(out);
        return samples(out.toString());
    }

    @Test
    void cpuAndFileDescriptorsMoveWithTheProcess() throws Exception {
        Map<String, Double> before = now();
        long end = System.nanoTime() + 200_000_000L;
        long spin = 0;
        while (System.nanoTime() < end) {
            spin += Long.numberOfTrailingZeros(spin + System.nanoTime());
        }
        Files.writeString(dir.resolve("f"), "x");
        try (InputStream held = Files.newInputStream(dir.resolve("f"))) {
            Map<String, Double> after = now();
            assertThat(after.get("process_cpu_seconds_total")).as("200 ms of spinning (" + spin + ")")
                    .isGreaterThanOrEqualTo(before.get("process_cpu_seconds_total") + 0.1);
            assertThat(after.get("process_open_fds")).as("one more file held open")
                    .isGreaterThanOrEqualTo(before.get("process_open_fds") + 1);
        }
    }

    @Test
    void memoryThreadsClassesAndStartTimeAreThisJvms() throws Exception {
        Map<String, Double> m = now();
        long rss = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .map(l -> Long.parseLong(l.split("\\s+")[1]) * 1024).findFirst().orElseThrow();
        assertThat(m.get("process_resident_memory_bytes")).as("VmRSS, within 64 MB of a second read")
                .isBetween(rss - 64e6, rss + 64e6).isGreaterThan(8e6);
        assertThat(m.get("process_virtual_memory_bytes")).isGreaterThan(m.get("process_resident_memory_bytes"));
        assertThat(m.get("process_max_fds")).isGreaterThan(m.get("process_open_fds"));
        assertThat(m.get("jvm_memory_used_bytes{area=\"heap\"}"))
                .isEqualTo((double) Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory(),
                        org.assertj.core.data.Offset.offset(64e6));
        assertThat(m.get("jvm_threads_current")).isGreaterThanOrEqualTo(Thread.activeCount());
        assertThat(m.get("jvm_classes_currently_loaded")).isGreaterThan(1000);
        double started = m.get("process_start_time_seconds");
        assertThat(started).isLessThanOrEqualTo(System.currentTimeMillis() / 1000.0)
                .isGreaterThan(System.currentTimeMillis() / 1000.0 - 3600);
        assertThat(m.keySet()).anyMatch(k -> k.startsWith("jvm_gc_collection_seconds_count{gc="));
    }

    @Test
    void theEndpointServesThemAfterTheDaemonsOwnMetrics() throws Exception {
        try (HttpEndpoint http = new HttpEndpoint("127.0.0.1", 0, "test-http").metrics(() -> "# HELP own x\n# TYPE own"
                + " gauge\nown 1.0\n")) {
            http.start();
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + http.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).startsWith("# HELP own x\n");
            Map<String, Double> m = samples(r.body());
            assertThat(m).containsEntry("own", 1.0).containsKeys("process_cpu_seconds_total",
                    "process_resident_memory_bytes", "jvm_threads_current");
        }
    }
}
