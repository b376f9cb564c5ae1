package org.pgfence.process;

import java.util.List;

/** A configuration that cannot be used; {@link #problems()} lists every problem found, each naming its key. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public ConfigException(String source, List<String> problems) {
        super("Invalid configuration " + source + ": " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
