package org.pgfence.lab.it.promote;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command as the postgres OS user (as repmgrd runs its hooks), bounded; output captured. */
final class AsPostgres {
    record Result(int exitCode, String output, long millis) {
    }

    private AsPostgres() {
    }

    static Result run(Duration timeout, String... argv) throws Exception {
        List<String> full = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        full.addAll(List.of(argv));
        Path out = Files.createTempFile("pgfence-promote-it", ".out");
        try {
            long start = System.nanoTime();
            Process p = new ProcessBuilder(full).directory(new File("/")).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", argv) + " did not finish within " + timeout + ":\n"
                        + Files.readString(out, StandardCharsets.UTF_8));
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), millis);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
