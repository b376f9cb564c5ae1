package org.pgfence.producer;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pgfence.libpq.Conninfo;
import org.pgfence.libpq.ConninfoException;
import org.pgfence.process.ConfigException;
import org.pgfence.process.ConfigReader;
import org.pgfence.producer.repmgr.RepmgrConf;
import org.pgfence.runtime.kafka.KafkaSettings;

/**
 * The one configuration of {@code pgfence promote}, {@code notify} and {@code spool flush}; validated
 * at load, every problem named by its key. Every key is documented in the README (Configuration).
 *
 * @param promotePause {@code promote.pause}: when positive, {@code promote} first publishes a {@code fencing-started}
 *                     (intent promotion) held that long, so the agents PAUSE rw and clients queue while this node is
 *                     promoted, instead of failing against the lost primary; zero (the default): off
 * @param publishPrepare whether {@code promote} connects to Kafka while the promotion runs, and {@code notify}
 *                       while it verifies the node
 * @param local the connection used to verify this node (from {@code local.conninfo}, else repmgr.conf's conninfo)
 */
public record PromoterConfig(
        String cluster,
        String host,
        KafkaSettings kafka,
        Path repmgrConfig,
        RepmgrConf repmgr,
        Path bindir,
        List<String> promoteCommand,
        Duration promoteTimeout,
        Duration promotePause,
        Duration publishDeadline,
        boolean publishPrepare,
        Duration verifyTimeout,
        Path spoolDir,
        Conninfo local) {

    public static final Path DEFAULT_BINDIR = Path.of("/usr/lib/postgresql/15/bin");
    public static final Path DEFAULT_SPOOL = Path.of("/var/lib/pgfence/spool");
    static final String SIBLINGS_FOLLOW = "--siblings-follow";

    public PromoterConfig {
        promoteCommand = List.copyOf(promoteCommand);
    }

    public static PromoterConfig load(Path file, Map<String, String> env) throws ConfigException {
        return from(ConfigReader.load(file, env));
    }

    /** Builds and validates; {@link ConfigReader#finish()} throws listing every problem. */
    public static PromoterConfig from(ConfigReader r) throws ConfigException {
        String cluster = r.requiredString("cluster");
        String host = r.string("host", null);
        KafkaSettings kafka = KafkaSettings.read(r.section("kafka"));
        ConfigReader repmgrSection = r.section("repmgr");
        Path repmgrConfig = repmgrSection.path("config", null);
        if (repmgrConfig == null) {
            repmgrSection.problem("config", "it is required (the path of this node's repmgr.conf)");
        }
        Path bindir = repmgrSection.path("bindir", DEFAULT_BINDIR);
        RepmgrConf repmgr = repmgrConfig == null ? null : repmgrConf(repmgrSection, repmgrConfig);
        ConfigReader promote = r.section("promote");
        List<String> command = promoteCommand(promote, bindir, repmgrConfig);
        Duration promoteTimeout = promote.duration("timeout", Duration.ofSeconds(60), Duration.ofSeconds(1));
        Duration promotePause = promote.duration("pause", Duration.ZERO, Duration.ZERO);
        ConfigReader publish = r.section("publish");
        Duration publishDeadline = publish.duration("deadline", Duration.ofSeconds(5), Duration.ofMillis(100));
        boolean publishPrepare = publish.bool("prepare", true);
        Duration verifyTimeout = r.section("verify").duration("timeout", Duration.ofSeconds(10), Duration.ZERO);
        Path spool = r.section("spool").path("dir", DEFAULT_SPOOL);
        Conninfo local = local(r.section("local"), repmgr);
        r.finish();
        return new PromoterConfig(cluster, host == null || host.isBlank() ? HostName.local() : host.strip(),
                kafka, repmgrConfig, repmgr, bindir, command, promoteTimeout, promotePause, publishDeadline, publishPrepare,
                verifyTimeout,
                spool, local);
    }

    /**
     * The promotion a config that failed to load still names: {@code promote.command} or the default one from
     * {@code repmgr.config} and {@code repmgr.bindir}, as far as the file says them validly; else
     * {@code <default bindir>/repmgr standby promote --log-to-file}, where repmgr finds its own repmgr.conf. A broken
     * config must never block a failover (DESIGN rule 8), so this never throws.
     */
    public static List<String> fallbackPromoteCommand(Path file, Map<String, String> env) {
        try {
            ConfigReader r = ConfigReader.load(file, env);
            ConfigReader repmgr = r.section("repmgr");
            Path repmgrConfig = repmgr.path("config", null);
            Path bindir = repmgr.path("bindir", DEFAULT_BINDIR);
            ConfigReader promote = r.section("promote");
            if (promote.has("command") || repmgrConfig != null) {
                List<String> argv = promoteCommand(promote, bindir == null ? DEFAULT_BINDIR : bindir, repmgrConfig);
                if (!argv.isEmpty() && Path.of(argv.get(0)).isAbsolute()) {
                    return argv;
                }
            }
        } catch (ConfigException | RuntimeException e) {
            // unreadable or not YAML: nothing in it can be trusted
        }
        return List.of(DEFAULT_BINDIR.resolve("repmgr").toString(), "standby", "promote", "--log-to-file");
    }

    /** The default promotion: {@code <bindir>/repmgr standby promote -f <repmgr.config> --log-to-file}. */
    public static List<String> defaultPromoteCommand(Path bindir, Path repmgrConfig) {
        return List.of(bindir.resolve("repmgr").toString(), "standby", "promote", "-f",
                String.valueOf(repmgrConfig), "--log-to-file");
    }

    /** The effective configuration as it may be logged: secrets masked. */
    public Map<String, String> masked() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("cluster", cluster);
        out.put("host", host);
        kafka.masked().forEach((k, v) -> out.put("kafka." + k, v));
        out.put("repmgr.config", String.valueOf(repmgrConfig));
        out.put("repmgr.node", repmgr.nodeName() + "(" + repmgr.nodeId() + ")");
        out.put("promote.command", String.join(" ", promoteCommand));
        out.put("promote.timeout", ConfigReader.format(promoteTimeout));
        out.put("promote.pause", ConfigReader.format(promotePause));
        out.put("publish.deadline", ConfigReader.format(publishDeadline));
        out.put("publish.prepare", Boolean.toString(publishPrepare));
        out.put("verify.timeout", ConfigReader.format(verifyTimeout));
        out.put("spool.dir", spoolDir.toString());
        out.put("local.conninfo", local.toString());
        return out;
    }


    private static RepmgrConf repmgrConf(ConfigReader section, Path file) {
        try {
            RepmgrConf conf = RepmgrConf.read(file);
            conf.conninfo().tcpHost();
            conf.conninfo().port();
            return conf;
        } catch (IOException e) {
            section.invalid("config", file, "cannot read repmgr.conf: " + e);
        } catch (ConninfoException e) {
            section.invalid("config", file, e.getMessage());
        }
        return null;
    }

    private static List<String> promoteCommand(ConfigReader promote, Path bindir, Path repmgrConfig) {
        if (!promote.has("command")) {
            return defaultPromoteCommand(bindir, repmgrConfig);
        }
        List<String> argv = promote.stringList("command");
        if (argv.isEmpty() || argv.get(0).isBlank()) {
            promote.problem("command", "must be a non-empty list: the program and its arguments");
            return List.of();
        }
        if (!Path.of(argv.get(0)).isAbsolute()) {
            promote.invalid("command", argv.get(0), "the program must be an absolute path"
                    + " (repmgrd's PATH is not ours to rely on)");
        }
        if (argv.stream().anyMatch(a -> a.strip().startsWith(SIBLINGS_FOLLOW))) {
            promote.problem("command", SIBLINGS_FOLLOW + " must not be used in a promote_command:"
                    + " repmgrd makes the siblings follow (repmgr docs); remove it");
        }
        return argv;
    }

    private static Conninfo local(ConfigReader section, RepmgrConf repmgr) {
        String text = section.string("conninfo", null);
        if (text == null || text.isBlank()) {
            return repmgr == null ? null : repmgr.conninfo();
        }
        try {
            Conninfo conninfo = Conninfo.parse(text);
            conninfo.tcpHost();
            conninfo.port();
            return conninfo;
        } catch (ConninfoException e) {
            section.problem("conninfo", e.getMessage());
            return null;
        }
    }
}
