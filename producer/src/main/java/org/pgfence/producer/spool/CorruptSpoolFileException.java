package org.pgfence.producer.spool;

import java.io.IOException;
import java.nio.file.Path;

/** A spool file that exists but holds no valid master-promoted event. */
public final class CorruptSpoolFileException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;

    public CorruptSpoolFileException(Path file, String reason) {
        super("corrupt spool file " + file + ": " + reason);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
