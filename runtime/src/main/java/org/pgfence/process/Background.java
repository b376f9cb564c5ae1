package org.pgfence.process;

/** Work a process does on the side, which must never keep it alive nor compete with its main path. */
public final class Background {
    private Background() {
    }

    /** Starts {@code task} on a daemon thread named {@code name}, at the lowest priority. */
    public static Thread start(String name, Runnable task) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
        return t;
    }
}
