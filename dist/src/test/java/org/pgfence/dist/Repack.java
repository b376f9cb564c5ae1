package org.pgfence.dist;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A later version of a built .deb for the upgrade test: the same package with its version and its pgfence jars
 * renamed ({@code pgfence-cli-0.2.0.jar} becomes {@code pgfence-cli-0.2.1.jar}), as the next release's build names
 * them, md5sums made anew, packed again with dpkg-deb. A second Maven build would take a minute and prove nothing more
 * about what dpkg does with lib/.
 */
final class Repack {
    private static final Duration DPKG_DEB = Duration.ofMinutes(1);

    private Repack() {
    }

    static Path withVersion(Path deb, String from, String to, Path work) throws IOException {
        Path root = work.resolve("pgfence_" + to);
        Host.run(DPKG_DEB, "dpkg-deb", "-R", deb, root).orFail();
        Path lib = root.resolve("usr/share/pgfence/lib");
        try (Stream<Path> jars = Files.list(lib)) {
            for (Path jar : jars.toList()) {
                String name = jar.getFileName().toString();
                if (name.startsWith("pgfence-") && name.endsWith("-" + from + ".jar")) {
                    Files.move(jar, jar.resolveSibling(name.replace("-" + from + ".jar", "-" + to + ".jar")));
                }
            }
        }
        Path control = root.resolve("DEBIAN/control");
        String text = Files.readString(control);
        if (!text.contains("\nVersion: " + from + "\n")) {
            throw new AssertionError("no 'Version: " + from + "' in " + deb + "'s control:\n" + text);
        }
        Files.writeString(control, text.replace("\nVersion: " + from + "\n", "\nVersion: " + to + "\n"));
        Files.writeString(root.resolve("DEBIAN/md5sums"), md5sums(root));
        Path out = work.resolve("pgfence_" + to + "_all.deb");
        Host.run(DPKG_DEB, "dpkg-deb", "--root-owner-group", "-Zgzip", "-z1", "-b", root, out).orFail();
        return out;
    }

    private static String md5sums(Path root) throws IOException {
        StringBuilder out = new StringBuilder();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> !p.startsWith(root.resolve("DEBIAN"))).sorted().toList();
        }
        for (Path f : files) {
            out.append(md5(f)).append("  ").append(root.relativize(f)).append('\n');
        }
        return out.toString();
    }

    private static String md5(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("MD5"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
