package org.pgfence.process;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one YAML configuration tree with environment overrides, collecting every problem instead of
 * stopping at the first, so an operator fixes a config in one round.
 *
 * <p>Usage: build the config record from typed getters, then call {@link #finish()}, which throws a
 * {@link ConfigException} listing every problem, including keys nobody read (typos).
 * An environment variable {@code PGFENCE_<KEY>} (the dotted key upper-cased, dots as underscores,
 * e.g. {@code PGFENCE_KAFKA_BOOTSTRAPSERVERS}) overrides a scalar key.
 */
public final class ConfigReader {
    /**
     * Jackson's YAML parser, read as a stream: a mapper (databind) would give the same tree, but building one cost
     * ~50 ms of a short-lived command's start (its date format pulls in the JDK's locale data), which repmgrd's
     * promote_command pays before the promotion (BENCHMARKS.md, "Promote overhead").
     */
    private static final YAMLFactory YAML = new YAMLFactory();
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    private final Shared shared;
    private final String prefix;
    private final Map<String, Object> tree;

    private static final class Shared {
        final String source;
        final Map<String, String> env;
        final List<String> problems = new ArrayList<>();
        final Set<String> seen = new LinkedHashSet<>();
        final Set<String> present = new TreeSet<>();
        final Set<String> freeForm = new LinkedHashSet<>();

        Shared(String source, Map<String, String> env) {
            this.source = source;
            this.env = env;
        }
    }

    private ConfigReader(Shared shared, String prefix, Map<String, Object> tree) {
        this.shared = shared;
        this.prefix = prefix;
        this.tree = tree;
        if (prefix.isEmpty()) {
            walk("", tree);
        }
    }

    /** Reads {@code file}; an unreadable or unparseable file is a {@link ConfigException} naming it. */
    public static ConfigReader load(Path file, Map<String, String> env) throws ConfigException {
        String source = "'" + file + "'";
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new ConfigException(source, List.of("cannot read config file " + source
                    + (Files.exists(file) ? ": not a readable file" : ": no such file")));
        }
        try (JsonParser parser = YAML.createParser(file.toFile())) {
            if (parser.nextToken() == null) {
                throw new ConfigException(source, List.of("not valid YAML: the file is empty"));
            }
            return fromTree(source, tree(parser), env);
        } catch (JsonProcessingException e) {
            throw new ConfigException(source, List.of("not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr())));
        } catch (IOException e) {
            throw new ConfigException(source, List.of("cannot read config file " + source + ": " + e.getMessage()));
        }
    }

    /**
     * The value at the parser's current token, as Jackson's untyped deserializer builds it: mappings as
     * {@link LinkedHashMap} (a repeated key: the last wins), sequences as lists, YAML 1.1 scalars typed by the parser.
     */
    private static Object tree(JsonParser p) throws IOException {
        return switch (p.currentToken()) {
            case START_OBJECT -> mapping(p);
            case START_ARRAY -> sequence(p);
            case VALUE_NUMBER_INT -> p.getNumberValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            case VALUE_EMBEDDED_OBJECT -> p.getEmbeddedObject();
            default -> p.getText();
        };
    }

    private static Map<String, Object> mapping(JsonParser p) throws IOException {
        Map<String, Object> map = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            map.put(key, tree(p));
        }
        return map;
    }

    private static List<Object> sequence(JsonParser p) throws IOException {
        List<Object> list = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            list.add(tree(p));
        }
        return list;
    }

    /** A reader over an in-memory tree, as tests and generated configs use. */
    public static ConfigReader of(String source, Map<String, ?> tree, Map<String, String> env) throws ConfigException {
        return fromTree(source, tree, env);
    }

    @SuppressWarnings("unchecked")
    private static ConfigReader fromTree(String source, Object parsed, Map<String, String> env) throws ConfigException {
        if (parsed == null) {
            parsed = Map.of();
        }
        if (!(parsed instanceof Map)) {
            throw new ConfigException(source, List.of("the top level must be a mapping of keys, not "
                    + parsed.getClass().getSimpleName()));
        }
        return new ConfigReader(new Shared(source, env), "", (Map<String, Object>) parsed);
    }

    public String string(String key, String defaultValue) {
        Object v = raw(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Map || v instanceof List) {
            problem(key, "must be a single value, not a " + (v instanceof Map ? "mapping" : "list"));
            return defaultValue;
        }
        return v.toString();
    }

    public String requiredString(String key) {
        String v = string(key, null);
        if (v == null || v.isBlank()) {
            shared.problems.add("Missing value for " + full(key) + ": it is required");
            return null;
        }
        return v;
    }

    public int integer(String key, int defaultValue, int min, int max) {
        String v = string(key, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) {
                invalid(key, v, "must be between " + min + " and " + max);
                return defaultValue;
            }
            return n;
        } catch (NumberFormatException e) {
            invalid(key, v, "must be a whole number");
            return defaultValue;
        }
    }

    public boolean bool(String key, boolean defaultValue) {
        String v = string(key, null);
        if (v == null) {
            return defaultValue;
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> {
                invalid(key, v, "must be true or false");
                yield defaultValue;
            }
        };
    }

    /** A duration such as {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h} or ISO-8601 {@code PT30S}. */
    public Duration duration(String key, Duration defaultValue, Duration min) {
        String v = string(key, null);
        if (v == null) {
            return defaultValue;
        }
        Duration d = parseDuration(v.trim());
        if (d == null) {
            invalid(key, v, "must be a duration such as 500ms, 30s, 2m or PT30S");
            return defaultValue;
        }
        if (d.compareTo(min) < 0) {
            invalid(key, v, "must be >= " + format(min));
            return defaultValue;
        }
        return d;
    }

    /**
     * An absolute path. A relative one is refused rather than resolved: pgfence runs under repmgrd and systemd, whose
     * working directory (often /) is neither the operator's shell's nor the config file's.
     */
    public Path path(String key, Path defaultValue) {
        String v = string(key, null);
        if (v == null || v.isBlank()) {
            return defaultValue;
        }
        Path p = Path.of(v);
        if (!p.isAbsolute()) {
            invalid(key, v, "must be an absolute path (pgfence's working directory under repmgrd or systemd is not"
                    + " this file's directory)");
        }
        return p;
    }

    public <E extends Enum<E>> E choice(String key, Class<E> type, E defaultValue) {
        String v = string(key, null);
        if (v == null) {
            return defaultValue;
        }
        String wanted = v.trim().replace('-', '_').toUpperCase(Locale.ROOT);
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(wanted)) {
                return e;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            allowed.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        invalid(key, v, "must be one of " + allowed);
        return defaultValue;
    }

    /** A free-form mapping of strings (e.g. Kafka client properties); its keys are not checked. */
    public Map<String, String> stringMap(String key) {
        Object v = raw(key);
        shared.freeForm.add(full(key));
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        if (!(v instanceof Map<?, ?> m)) {
            problem(key, "must be a mapping of key: value");
            return out;
        }
        m.forEach((k, val) -> out.put(String.valueOf(k), val == null ? "" : String.valueOf(val)));
        return out;
    }

    public List<String> stringList(String key) {
        Object v = raw(key);
        if (v == null) {
            return List.of();
        }
        if (v instanceof List<?> l) {
            return l.stream().map(String::valueOf).toList();
        }
        return List.of(v.toString().split("\\s*,\\s*"));
    }

    /** A nested mapping; an absent section reads as empty (every key takes its default). */
    @SuppressWarnings("unchecked")
    public ConfigReader section(String key) {
        Object v = raw(key);
        if (v != null && !(v instanceof Map)) {
            problem(key, "must be a mapping");
            v = null;
        }
        return new ConfigReader(shared, full(key) + ".", v == null ? Map.of() : (Map<String, Object>) v);
    }

    /** A list of mappings, each read with its own reader ({@code key[0].name} in messages). */
    @SuppressWarnings("unchecked")
    public List<ConfigReader> sections(String key) {
        Object v = raw(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            problem(key, "must be a list");
            return List.of();
        }
        List<ConfigReader> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i);
            String itemKey = full(key) + "[" + i + "]";
            shared.seen.add(itemKey);
            if (item instanceof Map) {
                out.add(new ConfigReader(shared, itemKey + ".", (Map<String, Object>) item));
            } else {
                shared.problems.add("Invalid value '" + item + "' for " + itemKey + ": must be a mapping");
            }
        }
        return out;
    }

    /** The keys of this section as written in the file, in file order (for maps keyed by a name, e.g. a host). */
    public List<String> keys() {
        return List.copyOf(tree.keySet());
    }

    public boolean has(String key) {
        return raw(key) != null;
    }

    /** Records a problem with {@code key} that only the caller can see (cross-field checks). */
    public void problem(String key, String message) {
        shared.problems.add("Invalid " + full(key) + ": " + message);
    }

    public void invalid(String key, Object value, String message) {
        shared.problems.add("Invalid value '" + value + "' for " + full(key) + ": " + message);
    }

    /** Throws if anything was wrong or any key was never read (an unknown key is most often a typo). */
    public void finish() throws ConfigException {
        List<String> all = new ArrayList<>(shared.problems);
        for (String key : shared.present) {
            if (!shared.seen.contains(key) && shared.freeForm.stream().noneMatch(f -> key.startsWith(f + "."))) {
                all.add("Unknown key '" + key + "'");
            }
        }
        if (!all.isEmpty()) {
            throw new ConfigException(shared.source, all);
        }
    }

    private Object raw(String key) {
        String full = full(key);
        shared.seen.add(full);
        String envName = "PGFENCE_" + full.replaceAll("\\[(\\d+)]", "_$1").replace('.', '_').toUpperCase(Locale.ROOT);
        String fromEnv = shared.env.get(envName);
        if (fromEnv != null) {
            return fromEnv;
        }
        return tree.get(key);
    }

    private String full(String key) {
        return prefix + key;
    }

    @SuppressWarnings("unchecked")
    private void walk(String at, Map<String, Object> node) {
        node.forEach((k, v) -> {
            String key = at + k;
            if (v instanceof Map) {
                shared.present.add(key);
                walk(key + ".", (Map<String, Object>) v);
            } else if (v instanceof List<?> list) {
                shared.present.add(key);
                for (int i = 0; i < list.size(); i++) {
                    if (list.get(i) instanceof Map) {
                        walk(key + "[" + i + "].", (Map<String, Object>) list.get(i));
                    }
                }
            } else {
                shared.present.add(key);
            }
        });
    }

    /** {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h} or ISO-8601; null when the text is none of those. */
    public static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** A duration as an operator writes it: {@code 500ms}, {@code 30s}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
    }
}
