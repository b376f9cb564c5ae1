package org.pgfence.consumer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgfence.process.ConfigException;

class EnvFileTest {
    @TempDir
    Path dir;

    @Test
    void variablesOfTheFileGoOverTheEnvironmentWithQuotesRemoved() throws Exception {
        Path f = Files.writeString(dir.resolve("agent.env"), "# secrets\nPGFENCE_A=\"x y\"\n\nPGFENCE_B=plain\nHOME='/h'\n");
        assertThat(EnvFile.over(Map.of("HOME", "/root", "PATH", "/bin"), f))
                .containsEntry("PGFENCE_A", "x y").containsEntry("PGFENCE_B", "plain").containsEntry("HOME", "/h")
                .containsEntry("PATH", "/bin");
    }

    @Test
    void everyBadLineIsNamedAndAMissingFileSaidSo() throws Exception {
        Path f = Files.writeString(dir.resolve("agent.env"), "GOOD=1\nno equals sign\n1BAD=2\n");
        assertThatThrownBy(() -> EnvFile.over(Map.of(), f)).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .containsExactly("line 2: expected KEY=VALUE", "line 3: expected KEY=VALUE"))
                .hasMessageContaining(f.toString());
        assertThatThrownBy(() -> EnvFile.over(Map.of(), dir.resolve("none.env"))).hasMessageContaining("no such file");
    }
}
