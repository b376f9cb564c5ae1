package org.pgfence.consumer.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgfence.events.Epoch;

class EpochStoreTest {
    static final String SYS = "7300000000000000001";

    @TempDir
    Path dir;

    @Test
    void appliedEpochSurvivesARestart() throws Exception {
        Path state = dir.resolve("state");
        EpochStore store = EpochStore.open(state);
        assertThat(store.applied("main")).isEmpty();
        assertThat(store.advance("main", new Epoch(2, SYS))).isTrue();
        assertThat(store.advance("other", new Epoch(7, "42"))).isTrue();
        EpochStore reopened = EpochStore.open(state);
        assertThat(reopened.applied("main")).contains(new Epoch(2, SYS));
        assertThat(reopened.applied("other")).contains(new Epoch(7, "42"));
        assertThat(Files.readString(reopened.file())).contains("main=2@" + SYS);
    }

    @Test
    void itNeverGoesBack() throws Exception {
        EpochStore store = EpochStore.open(dir);
        store.advance("main", new Epoch(3, SYS));
        assertThat(store.advance("main", new Epoch(2, SYS))).isFalse();
        assertThat(store.advance("main", new Epoch(3, SYS))).isFalse();
        assertThat(EpochStore.open(dir).applied("main")).contains(new Epoch(3, SYS));
    }

    @Test
    void anEpochOfAnotherSystemNeverReplacesTheStoredOne() throws Exception {
        EpochStore store = EpochStore.open(dir);
        store.advance("main", new Epoch(3, SYS));
        assertThat(store.advance("main", new Epoch(9, "other"))).isFalse();
        assertThat(store.applied("main")).contains(new Epoch(3, SYS));
    }

    @Test
    void aCorruptFileIsNamedInTheError() throws Exception {
        Files.writeString(dir.resolve(EpochStore.FILE_NAME), "main=two@x\n");
        assertThatThrownBy(() -> EpochStore.open(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("corrupt epoch 'two@x' for cluster main").hasMessageContaining(EpochStore.FILE_NAME);
    }

    @Test
    void peekCreatesNothing() throws Exception {
        Path state = dir.resolve("absent");
        assertThat(EpochStore.peek(state).applied("main")).isEmpty();
        assertThat(state).doesNotExist();
    }
}
