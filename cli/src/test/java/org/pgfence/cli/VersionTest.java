package org.pgfence.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VersionTest {

    @Test
    void theBuildStampsARealVersionAndACommitOrUnknown() {
        assertThat(Version.current()).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
        assertThat(Version.commit()).matches("[0-9a-f]{40}|unknown");
    }

    @Test
    void versionOutputNamesTheVersionThenTheCommitThenTheJava() {
        String[] lines = new Version().getVersion();
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).isEqualTo("pgfence " + Version.current());
        assertThat(lines[1]).startsWith("commit " + Version.commit());
        assertThat(lines[2]).startsWith("Java ");
    }
}
