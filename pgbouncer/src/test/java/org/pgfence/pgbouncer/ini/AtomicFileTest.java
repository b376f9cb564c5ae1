package org.pgfence.pgbouncer.ini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @TempDir
    Path dir;

    private long filesIn(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.count();
        }
    }

    @Test
    void newFileGetsTheContentAndAReadableMode() throws Exception {
        Path ini = dir.resolve("pgbouncer.database.ini");
        AtomicFile.write(ini, "[databases]\n", true);
        assertThat(ini).hasContent("[databases]");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ini))).isEqualTo("rw-r--r--");
        assertThat(AtomicFile.backupOf(ini)).doesNotExist();
        assertThat(filesIn(dir)).isEqualTo(1);
    }

    @Test
    void replacingKeepsTheModeAndThePreviousFileAsBackup() throws Exception {
        Path ini = dir.resolve("pgbouncer.database.ini");
        Files.writeString(ini, "old\n");
        Files.setPosixFilePermissions(ini, PosixFilePermissions.fromString("rw-r-----"));
        Object owner = Files.getOwner(ini);
        AtomicFile.write(ini, "new\n", true);
        assertThat(ini).hasContent("new");
        assertThat(AtomicFile.backupOf(ini)).hasContent("old").hasFileName("pgbouncer.database.ini.prev");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ini))).isEqualTo("rw-r-----");
        assertThat(Files.getOwner(ini)).isEqualTo(owner);
        assertThat(filesIn(dir)).as("no temp file left").isEqualTo(2);
    }

    @Test
    void withoutBackupsNoPrevFileIsWritten() throws Exception {
        Path ini = dir.resolve("x.ini");
        Files.writeString(ini, "old");
        AtomicFile.write(ini, "new", false);
        assertThat(AtomicFile.backupOf(ini)).doesNotExist();
        assertThat(AtomicFile.read(ini)).contains("new");
        assertThat(AtomicFile.read(dir.resolve("missing"))).isEmpty();
    }

    @Test
    void aDirectoryNotEvenRootCanWriteFailsAndLeavesTheOldFileIntact() throws Exception {
        Path procVersion = Path.of("/proc/version");
        String before = Files.readString(procVersion);
        assertThatThrownBy(() -> AtomicFile.write(procVersion, "new\n", true)).isInstanceOf(IOException.class);
        assertThat(Files.readString(procVersion)).isEqualTo(before);
    }

    @Test
    void aTargetThatIsNotARegularFileIsRefusedAndNothingIsLeftBehind() throws Exception {
        Path ini = Files.createDirectory(dir.resolve("pgbouncer.database.ini"));
        Files.writeString(ini.resolve("inside"), "keep");
        assertThatThrownBy(() -> AtomicFile.write(ini, "new\n", true)).isInstanceOf(IOException.class)
                .hasMessageContaining("not a regular file");
        assertThat(ini.resolve("inside")).hasContent("keep");
        assertThat(filesIn(dir)).isEqualTo(1);
    }

    @Test
    void aMissingDirectoryFails() {
        assertThatThrownBy(() -> AtomicFile.write(dir.resolve("nope/x.ini"), "x", true)).isInstanceOf(IOException.class);
    }
}
