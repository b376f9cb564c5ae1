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
    void theFloorSurvivesARestart() throws Exception {
        Path state = dir.resolve("state");
        EpochStore store = EpochStore.open(state);
        assertThat(store.floor("main")).isEmpty();
        assertThat(store.raise("main", new Epoch(2, SYS))).isTrue();
        assertThat(store.raise("other", new Epoch(7, "42"))).isTrue();
        EpochStore reopened = EpochStore.open(state);
        assertThat(reopened.floor("main")).contains(new Epoch(2, SYS));
        assertThat(reopened.floor("other")).contains(new Epoch(7, "42"));
        assertThat(Files.readString(reopened.file())).contains("main=2@" + SYS);
    }

    @Test
    void itNeverGoesBack() throws Exception {
        EpochStore store = EpochStore.open(dir);
        store.raise("main", new Epoch(3, SYS));
        assertThat(store.raise("main", new Epoch(2, SYS))).isFalse();
        assertThat(store.raise("main", new Epoch(3, SYS))).isFalse();
        assertThat(EpochStore.open(dir).floor("main")).contains(new Epoch(3, SYS));
    }

    @Test
    void anEpochOfAnotherSystemNeverReplacesTheStoredOne() throws Exception {
        EpochStore store = EpochStore.open(dir);
        store.raise("main", new Epoch(3, SYS));
        assertThat(store.raise("main", new Epoch(9, "other"))).isFalse();
        assertThat(store.floor("main")).contains(new Epoch(3, SYS));
    }

    @Test
    void aCorruptFileIsNeverReadAsNoFloorAndIsKeptAside() throws Exception {
        Files.writeString(dir.resolve(EpochStore.FILE_NAME), "main=two@x\n");
        EpochStore store = EpochStore.open(dir);
        assertThat(store.unknown()).get().asString().contains("corrupt epoch 'two@x' for cluster main")
                .contains(EpochStore.FILE_NAME + ".corrupt");
        assertThat(dir.resolve(EpochStore.FILE_NAME + ".corrupt")).content().isEqualTo("main=two@x\n");
        store.raise("main", new Epoch(2, SYS));
        assertThat(store.unknown()).as("a raise alone does not make the floor known").isPresent();
        store.rebuilt();
        assertThat(store.unknown()).isEmpty();
        assertThat(EpochStore.open(dir).unknown()).isEmpty();
        assertThat(EpochStore.open(dir).floor("main")).contains(new Epoch(2, SYS));
    }

    @Test
    void aMissingFileIsAnUnknownFloorUntilRebuilt() throws Exception {
        EpochStore store = EpochStore.open(dir.resolve("new"));
        assertThat(store.unknown()).get().asString().contains("no state file");
        store.rebuilt();
        assertThat(EpochStore.open(dir.resolve("new")).unknown()).as("the rebuilt (empty) floor is persisted").isEmpty();
    }

    @Test
    void peekStillRefusesACorruptFile() throws Exception {
        Files.writeString(dir.resolve(EpochStore.FILE_NAME), "main=two@x\n");
        assertThatThrownBy(() -> EpochStore.peek(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("corrupt epoch 'two@x' for cluster main").hasMessageContaining(EpochStore.FILE_NAME);
    }

    @Test
    void peekCreatesNothing() throws Exception {
        Path state = dir.resolve("absent");
        assertThat(EpochStore.peek(state).floor("main")).isEmpty();
        assertThat(state).doesNotExist();
    }
}
