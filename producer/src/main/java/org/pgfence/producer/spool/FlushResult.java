package org.pgfence.producer.spool;

/**
 * What a flush did.
 *
 * @param sent        events the broker acked (their files removed)
 * @param movedAside  corrupt files moved to {@code .bad}
 * @param left        events still spooled ({@code -1}: unknown, the spool could not be read)
 * @param problem     why the flush stopped early, or {@code null}
 */
public record FlushResult(int sent, int movedAside, int left, String problem) {

    public static final FlushResult NOTHING = new FlushResult(0, 0, 0, null);

    public boolean empty() {
        return left == 0;
    }
}
