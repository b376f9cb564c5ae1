package org.pgfence.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ThreadsTest {

    @Test
    void startRunsTheTaskOnANamedDaemonThread() throws Exception {
        CompletableFuture<Thread> ran = new CompletableFuture<>();
        Thread t = Threads.start("pgfence-test", () -> ran.complete(Thread.currentThread()));
        assertThat(ran.get(10, TimeUnit.SECONDS)).isSameAs(t);
        assertThat(t.isDaemon()).isTrue();
        assertThat(t.getName()).isEqualTo("pgfence-test");
        assertThat(t.getPriority()).isEqualTo(Thread.NORM_PRIORITY);
    }

    @Test
    void backgroundWorkRunsAtTheLowestPriority() throws Exception {
        CompletableFuture<Integer> priority = new CompletableFuture<>();
        Thread t = Threads.background("pgfence-warmup-test", () -> priority.complete(Thread.currentThread().getPriority()));
        assertThat(priority.get(10, TimeUnit.SECONDS)).isEqualTo(Thread.MIN_PRIORITY);
        assertThat(t.isDaemon()).isTrue();
    }

    @Test
    void aDaemonIsNotStartedUntilItsOwnerStartsIt() {
        Thread t = Threads.daemon("pgfence-later", () -> { });
        assertThat(t.getState()).isEqualTo(Thread.State.NEW);
        assertThat(t.isDaemon()).isTrue();
    }

    @Test
    void factoriesMakeDaemonsNamedOnceOrNumbered() {
        ThreadFactory same = Threads.daemons("audit-http");
        assertThat(same.newThread(() -> { }).getName()).isEqualTo("audit-http");
        assertThat(same.newThread(() -> { }).isDaemon()).isTrue();
        ThreadFactory numbered = Threads.numbered("pgfence-probe");
        assertThat(numbered.newThread(() -> { }).getName()).isEqualTo("pgfence-probe-1");
        assertThat(numbered.newThread(() -> { }).getName()).isEqualTo("pgfence-probe-2");
        assertThat(numbered.newThread(() -> { }).isDaemon()).isTrue();
    }
}
