package org.pgfence.runtime.http;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The process and JVM families every pgfence daemon serves at {@code /metrics}, under the names the Prometheus client
 * libraries use (client_java 1.x), so the dashboards and alerts an SRE already has for JVMs work on the agent and the
 * auditor as they are: {@code process_*} (CPU, resident and virtual memory, open and maximum file descriptors, start
 * time) and {@code jvm_*} (memory by area, threads, loaded classes, garbage collections). Read at each scrape from the
 * JVM's management beans and {@code /proc/self/status}; a value the host cannot give is left out, never made up.
 */
public final class ProcessMetrics {
    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessMetrics() {
    }

    public static void render(StringBuilder out) {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun && sun.getProcessCpuTime() >= 0) {
            Exposition.single(out, "process_cpu_seconds_total", "counter", "User and system CPU time spent, in seconds.",
                    Exposition.number(sun.getProcessCpuTime() / 1e9));
        }
        Exposition.single(out, "process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch.",
                Exposition.number(ManagementFactory.getRuntimeMXBean().getStartTime() / 1000.0));
        Map<String, Long> status = status();
        if (status.containsKey("VmRSS")) {
            Exposition.single(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
                    Long.toString(status.get("VmRSS")));
        }
        if (status.containsKey("VmSize")) {
            Exposition.single(out, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.",
                    Long.toString(status.get("VmSize")));
        }
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            Exposition.single(out, "process_open_fds", "gauge", "Number of open file descriptors.",
                    Long.toString(unix.getOpenFileDescriptorCount()));
            Exposition.single(out, "process_max_fds", "gauge", "Maximum number of open file descriptors.",
                    Long.toString(unix.getMaxFileDescriptorCount()));
        }
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        MemoryUsage nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
        Exposition.labelled(out, "jvm_memory_used_bytes", "gauge", "Used bytes of a given JVM memory area.", "area",
                areas(heap.getUsed(), nonHeap.getUsed()));
        Exposition.labelled(out, "jvm_memory_committed_bytes", "gauge", "Committed bytes of a given JVM memory area.",
                "area", areas(heap.getCommitted(), nonHeap.getCommitted()));
        Exposition.labelled(out, "jvm_memory_max_bytes", "gauge", "Max bytes of a given JVM memory area (-1: unbounded).",
                "area", areas(heap.getMax(), nonHeap.getMax()));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Exposition.single(out, "jvm_threads_current", "gauge", "Current thread count of the JVM.",
                Integer.toString(threads.getThreadCount()));
        Exposition.single(out, "jvm_threads_daemon", "gauge", "Daemon thread count of the JVM.",
                Integer.toString(threads.getDaemonThreadCount()));
        Exposition.single(out, "jvm_classes_currently_loaded", "gauge", "Classes currently loaded in the JVM.",
                Integer.toString(ManagementFactory.getClassLoadingMXBean().getLoadedClassCount()));
        Exposition.header(out, "jvm_gc_collection_seconds", "summary", "Time spent in a given JVM garbage collector.");
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            Map<String, String> gcLabel = Map.of("gc", gc.getName());
            Exposition.sample(out, "jvm_gc_collection_seconds_count", gcLabel, Math.max(0, gc.getCollectionCount()));
            Exposition.sample(out, "jvm_gc_collection_seconds_sum", gcLabel,
                    Exposition.number(Math.max(0, gc.getCollectionTime()) / 1000.0));
        }
    }

    private static Map<String, Long> areas(long heap, long nonHeap) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("heap", heap);
        m.put("nonheap", nonHeap);
        return m;
    }

    /** The {@code kB} lines of {@code /proc/self/status}, in bytes; empty where there is no such file. */
    static Map<String, Long> status() {
        Map<String, Long> out = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(STATUS)) {
                String[] f = line.split("\\s+");
                if (f.length == 3 && f[0].endsWith(":") && f[2].equals("kB")) {
                    out.put(f[0].substring(0, f[0].length() - 1), Long.parseLong(f[1]) * 1024);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Map.of();
        }
        return out;
    }
}
