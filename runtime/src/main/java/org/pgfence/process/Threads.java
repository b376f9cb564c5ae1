package org.pgfence.process;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads pgfence starts besides its main one: all daemons, so none of them keeps a process alive after its
 * main path is done (an agent's or auditor's shutdown, a promote that has announced), and all named, so a thread
 * dump says what each is for.
 */
public final class Threads {
    private Threads() {
    }

    /** Starts {@code task} on a daemon thread named {@code name}. */
    public static Thread start(String name, Runnable task) {
        Thread t = daemon(name, task);
        t.start();
        return t;
    }

    /** Starts {@code task} on a daemon thread named {@code name}, at the lowest priority: side work that must never
     * compete with the main path (warm-ups). */
    public static Thread background(String name, Runnable task) {
        Thread t = daemon(name, task);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
        return t;
    }

    /** A daemon thread named {@code name}, not started: for an owner that starts it later. */
    public static Thread daemon(String name, Runnable task) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        return t;
    }

    /** Daemon threads all named {@code name}: for an executor of one thread, or of interchangeable ones. */
    public static ThreadFactory daemons(String name) {
        return task -> daemon(name, task);
    }

    /** Daemon threads named {@code prefix-1}, {@code prefix-2}, ...: for a pool whose threads a dump must tell apart. */
    public static ThreadFactory numbered(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return task -> daemon(prefix + "-" + n.incrementAndGet(), task);
    }
}
