package org.pgfence.producer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromoteWarmupTest {
    @TempDir
    Path dir;

    /** A rehearsal that stops half-way (the verifier, the event builder or the mapper changed) warms nothing after it. */
    @Test
    void theVerificationAndTheEventAreRehearsedToTheEndFromARealConfig() throws Exception {
        CommandFixture f = new CommandFixture(dir, List.of("/bin/true"));
        assertThat(PromoteWarmup.run(PromoterConfig.load(f.config, Map.of()))).isTrue();
    }
}
