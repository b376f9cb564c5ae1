package org.pgfence.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.pgfence.process.ExitCode;

/**
 * A real headless Chromium (Debian's package, installed when missing) for the pages the auditor serves: the DOM as the
 * browser built it, and a screenshot. Runs as root, hence {@code --no-sandbox}; each call is a fresh browser.
 */
public final class Browser {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Browser() {
    }

    /** Installs chromium when missing (as root), else says what to install. */
    public static void ensureInstalled() {
        Packages.ensureInstalled(List.of("chromium"));
    }

    /** The DOM of {@code url} after the page loaded, serialized ({@code --dump-dom}). */
    public static String dom(String url) {
        return chromium("--dump-dom", url).output();
    }

    /** A PNG of {@code url} at {@code width} x {@code height} pixels, written to {@code file}. */
    public static void screenshot(String url, Path file, int width, int height) {
        chromium("--screenshot=" + file.toAbsolutePath(), "--window-size=" + width + "," + height,
                "--hide-scrollbars", url);
        if (!file.toFile().isFile()) {
            throw new LabException(ExitCode.CHECK_FAILED, "chromium wrote no screenshot of " + url + " to " + file);
        }
    }

    private static Exec.Result chromium(String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of("chromium", "--headless=new", "--no-sandbox",
                "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir="
                        + System.getProperty("java.io.tmpdir") + "/pgfence-chromium-" + ProcessHandle.current().pid()));
        argv.addAll(List.of(args));
        Exec.Result r = Exec.run(TIMEOUT, argv);
        if (r.exitCode() != 0) {
            throw new LabException(ExitCode.CHECK_FAILED, "chromium " + String.join(" ", args) + " failed (exit "
                    + r.exitCode() + "): " + r.output());
        }
        return r;
    }
}
