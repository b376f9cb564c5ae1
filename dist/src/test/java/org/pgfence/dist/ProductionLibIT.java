package org.pgfence.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The allow-list of a production install, read from the artifacts themselves (the tarball's and the .deb's file
 * lists): no broker, Scala, log4j-core, test library or lab jar; pgfence's own jars are the five production modules;
 * the lab tarball adds exactly what the lab needs beyond them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // each test; measured at most a tenth of this
class ProductionLibIT {
    private static final Duration LIST = Duration.ofSeconds(30);
    /** {@code tar -tvzf}: mode, owner/group, size, date, time, name. */
    private static final Pattern TAR_ENTRY = Pattern.compile("^\\S+\\s+\\S+\\s+(\\d+)\\s+\\S+\\s+\\S+\\s+(\\S+)$");
    /** {@code dpkg-deb -c}: the same columns, names starting with "./". */
    private static final Pattern DEB_ENTRY = Pattern.compile("^\\S+\\s+\\S+\\s+(\\d+)\\s+\\S+\\s+\\S+\\s+\\./(\\S+)$");

    @Test
    void theTarballsLibHoldsOnlyProductionJars() {
        Map<String, Long> lib = jars(tarListing(Artifacts.tarball()), Artifacts.topDirectory() + "/lib/");
        assertAllowed(lib.keySet().stream().toList());
        System.out.printf("production lib (tarball): %d jars, %.1f MB%n", lib.size(),
                lib.values().stream().mapToLong(Long::longValue).sum() / 1e6);
    }

    @Test
    void theDebShipsTheTarballsJarsInUsrSharePgfenceLib() {
        Map<String, Long> deb = jars(Host.run(LIST, "dpkg-deb", "-c", Artifacts.deb()).orFail().lines(), DEB_ENTRY,
                "usr/share/pgfence/lib/");
        assertAllowed(deb.keySet().stream().toList());
        assertThat(deb).isEqualTo(jars(tarListing(Artifacts.tarball()), Artifacts.topDirectory() + "/lib/"));
    }

    @Test
    void theLabTarballAddsTheLabAndTheBrokerAndNothingTheProductionLibHas() {
        List<String> lab = tarListing(Artifacts.labTarball());
        assertThat(lab).as("everything lands in the production tarball's lib/")
                .allMatch(l -> name(l, TAR_ENTRY).equals(Artifacts.topDirectory() + "/")
                        || name(l, TAR_ENTRY).startsWith(Artifacts.topDirectory() + "/lib/"));
        Map<String, Long> labJars = jars(lab, Artifacts.topDirectory() + "/lib/");
        assertThat(labJars).containsKeys("pgfence-lab-" + Artifacts.version() + ".jar", "kafka_2.13-4.4.0.jar");
        assertThat(labJars.keySet()).anyMatch(j -> j.startsWith("scala-library"));
        assertThat(labJars.keySet()).doesNotContainAnyElementsOf(
                jars(tarListing(Artifacts.tarball()), Artifacts.topDirectory() + "/lib/").keySet());
        assertThat(labJars.keySet()).noneMatch(j -> j.startsWith("testcontainers") || j.startsWith("junit"));
    }

    private static void assertAllowed(List<String> lib) {
        assertThat(lib.stream().map(Artifacts::forbidden).filter(Objects::nonNull)).as("forbidden jars").isEmpty();
        assertThat(lib.stream().filter(j -> j.startsWith("pgfence-")).sorted())
                .containsExactlyElementsOf(Artifacts.PRODUCTION_MODULES.stream()
                        .map(m -> "pgfence-" + m + "-" + Artifacts.version() + ".jar").sorted().toList());
        assertThat(lib).contains("kafka-clients-4.4.0.jar", "picocli-4.7.7.jar", "logback-classic-1.5.18.jar");
    }

    private static List<String> tarListing(java.nio.file.Path tarball) {
        return Host.run(LIST, "tar", "-tvzf", tarball).orFail().lines();
    }

    private static Map<String, Long> jars(List<String> listing, String dir) {
        return jars(listing, TAR_ENTRY, dir);
    }

    /** Jar name to size, for the entries of {@code listing} directly in {@code dir}. */
    private static Map<String, Long> jars(List<String> listing, Pattern entry, String dir) {
        return listing.stream().map(entry::matcher).filter(Matcher::matches)
                .filter(m -> m.group(2).startsWith(dir) && m.group(2).endsWith(".jar"))
                .collect(Collectors.toMap(m -> m.group(2).substring(dir.length()), m -> Long.parseLong(m.group(1))));
    }

    private static String name(String line, Pattern entry) {
        Matcher m = entry.matcher(line);
        return m.matches() ? m.group(2) : "";
    }
}
