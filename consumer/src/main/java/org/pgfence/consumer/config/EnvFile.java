package org.pgfence.consumer.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.pgfence.process.ConfigException;

/**
 * A systemd {@code EnvironmentFile} ({@code KEY=VALUE} lines, {@code #} comments, optional quotes), read so that a
 * command run outside the agent's unit ({@code pgfence apply} over SSH) sees the agent's secrets as its unit does.
 */
public final class EnvFile {
    private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private EnvFile() {
    }

    /** {@code base} with the file's variables over it; every bad line is named. */
    public static Map<String, String> over(Map<String, String> base, Path file) throws ConfigException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of("cannot read it ("
                    + (Files.exists(file) ? "not readable by this user" : "no such file") + ")"));
        }
        Map<String, String> env = new LinkedHashMap<>(base);
        List<String> problems = new java.util.ArrayList<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            int eq = line.indexOf('=');
            String key = eq < 0 ? line : line.substring(0, eq).strip();
            if (eq < 0 || !KEY.matcher(key).matches()) {
                problems.add("line " + (n + 1) + ": expected KEY=VALUE");
                continue;
            }
            env.put(key, unquote(line.substring(eq + 1).strip()));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(file.toString(), problems);
        }
        return env;
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }
}
