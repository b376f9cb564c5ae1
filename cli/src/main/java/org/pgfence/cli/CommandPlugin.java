package org.pgfence.cli;

import java.util.List;
import java.util.Map;

/**
 * A module that adds top-level commands to {@code pgfence} without production code depending on it
 * (the lab adds {@code lab}, {@code demo}, {@code bench}). Found with {@link java.util.ServiceLoader}.
 */
public interface CommandPlugin {

    /** picocli command objects, built with the process environment. */
    List<Object> commands(Map<String, String> env);
}
