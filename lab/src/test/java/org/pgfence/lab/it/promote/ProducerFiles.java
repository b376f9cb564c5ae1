package org.pgfence.lab.it.promote;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.pgfence.events.EventJson;
import org.pgfence.events.MasterPromoted;

/** The producer's files on a lab node: its YAML config (edited the way an operator would) and its spool. */
final class ProducerFiles {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ProducerFiles() {
    }

    /** Sets {@code section.key} in a producer YAML file in place (the file keeps its owner). */
    @SuppressWarnings("unchecked")
    static void set(Path config, String section, String key, String value) throws IOException {
        Map<String, Object> yaml = YAML.readValue(config.toFile(), LinkedHashMap.class);
        Map<String, Object> s = new LinkedHashMap<>((Map<String, Object>) yaml.getOrDefault(section, Map.of()));
        s.put(key, value);
        yaml.put(section, s);
        YAML.writeValue(config.toFile(), yaml);
    }

    /** Sets {@code promote.command} (an argv list) in a producer YAML file in place. */
    @SuppressWarnings("unchecked")
    static void setCommand(Path config, List<String> argv) throws IOException {
        Map<String, Object> yaml = YAML.readValue(config.toFile(), LinkedHashMap.class);
        Map<String, Object> s = new LinkedHashMap<>((Map<String, Object>) yaml.getOrDefault("promote", Map.of()));
        s.put("command", argv);
        yaml.put("promote", s);
        YAML.writeValue(config.toFile(), yaml);
    }

    /** The events waiting in a spool directory, oldest first. */
    static List<MasterPromoted> spooled(Path spool) throws IOException {
        List<MasterPromoted> out = new ArrayList<>();
        if (!Files.isDirectory(spool)) {
            return out;
        }
        try (Stream<Path> files = Files.list(spool)) {
            for (Path f : files.filter(p -> p.getFileName().toString().matches("\\d+-[0-9a-f-]{36}\\.json")).sorted().toList()) {
                out.add(EventJson.fromBytes(Files.readAllBytes(f), MasterPromoted.class));
            }
        }
        return out;
    }
}
