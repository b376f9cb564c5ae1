package org.pgfence.audit.store;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One schema migration resource, {@code V<version>__<description>.sql}. */
public record Migration(int version, String description, String resource, String sql) {
    private static final Pattern NAME = Pattern.compile("V([1-9][0-9]*)__([A-Za-z0-9_]+)\\.sql");

    /** Parses a file name; an illegal one is an {@link IllegalArgumentException} naming it. */
    public static Migration parse(String fileName, String sql) {
        Matcher m = NAME.matcher(fileName);
        if (!m.matches()) {
            throw new IllegalArgumentException("Illegal migration name '" + fileName
                    + "': must look like V<version>__<description>.sql, e.g. V1__init.sql");
        }
        return new Migration(Integer.parseInt(m.group(1)), m.group(2).replace('_', ' '), fileName, sql);
    }
}
