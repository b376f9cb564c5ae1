package org.pgfence.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.pgfence.producer.NotifyCommand;
import org.pgfence.producer.PromoteCommand;

/**
 * The exact command lines repmgr runs, without picocli: {@code promote --config FILE} (or {@code --config=FILE}),
 * repmgrd's promote_command, and {@code notify --config FILE --node-id %n --event %e ...}, the
 * event_notification_command (each option at most once, as {@code --name value}, in any order). picocli's classes
 * are compiled for Java 5, which class-data sharing cannot archive, and loading and verifying them cost ~0.1-0.15 s
 * of the promotion (BENCHMARKS.md, "Promote overhead"). Any other shape (help, a typo, an extra or repeated
 * option, {@code --name=value}, a value that is itself an option name) goes through picocli as before, so every
 * usage error is still reported the same way.
 */
final class FastPath {
    private FastPath() {
    }

    private static final Set<String> NOTIFY_OPTIONS = Set.of("--config", "--node-id", "--event", "--success",
            "--timestamp", "--details", "--primary");
    private static final Set<String> PICOCLI_NAMES = Set.of("-h", "--help", "-V", "--version");

    static Optional<Callable<Integer>> of(String[] args, Map<String, String> env, PrintWriter err) {
        if (args.length > 0 && "notify".equals(args[0])) {
            return notify(args).map(a -> new NotifyCommand(env, a, err));
        }
        if (args.length == 0 || !"promote".equals(args[0])) {
            return Optional.empty();
        }
        String config = null;
        if (args.length == 3 && "--config".equals(args[1])) {
            config = args[2];
        } else if (args.length == 2 && args[1].startsWith("--config=")) {
            config = args[1].substring("--config=".length());
        }
        if (config == null || config.isEmpty() || config.startsWith("-")) {
            return Optional.empty();
        }
        return Optional.of(new PromoteCommand(env, Path.of(config)));
    }

    /** notify's options when given as repmgr gives them; empty for anything picocli should judge. */
    static Optional<NotifyCommand.Arguments> notify(String[] args) {
        if (args.length % 2 != 1) {
            return Optional.empty();
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i += 2) {
            String name = args[i];
            String value = args[i + 1];
            if (!NOTIFY_OPTIONS.contains(name) || options.containsKey(name) || NOTIFY_OPTIONS.contains(value)
                    || PICOCLI_NAMES.contains(value)) {
                return Optional.empty();
            }
            options.put(name, value);
        }
        String config = options.get("--config");
        if (config == null || config.isEmpty() || config.startsWith("-") || options.get("--event") == null) {
            return Optional.empty();
        }
        return Optional.of(new NotifyCommand.Arguments(Path.of(config), options.get("--node-id"), options.get("--event"),
                options.get("--success"), options.get("--timestamp"), options.get("--details"), options.get("--primary")));
    }
}
