package org.pgfence.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.pgfence.producer.PromoteCommand;

/**
 * The exact command line repmgrd runs as promote_command, {@code promote --config FILE} (or
 * {@code --config=FILE}), without picocli: picocli's classes are compiled for Java 5, which class-data sharing
 * cannot archive, and loading and verifying them cost ~0.15 s of the promotion (BENCHMARKS.md, "Promote
 * overhead"). Any other shape (help, a typo, an extra option) goes through picocli as before, so every usage
 * error is still reported the same way.
 */
final class FastPath {
    private FastPath() {
    }

    static Optional<Callable<Integer>> of(String[] args, Map<String, String> env) {
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
}
