package stream.terminal.lastmile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package graph of the gateway's sources has no cycle, so each layer (core, protocol, session, transports,
 * hub, channel, cluster, node) can be read, tested and replaced without the ones above it. Built from the import
 * statements, so it needs no bytecode library.
 */
class ArchitectureTest {
  private static final String ROOT = "stream.terminal.lastmile";
  private static final Path SOURCES = Path.of("src/main/java/stream/terminal/lastmile");
  private static final Pattern IMPORT =
      Pattern.compile("^import (?:static )?" + Pattern.quote(ROOT) + "\\.((?:[a-z0-9_]+\\.)*)[A-Z]", Pattern.MULTILINE);

  @Test
  void packagesHaveNoCycles() {
    Map<String, Set<String>> graph = packageGraph();
    assertTrue(graph.size() > 10, "read the sources: " + graph.keySet());
    List<List<String>> cycles = new ArrayList<>();
    for (String start : graph.keySet()) {
      List<String> cycle = cycleThrough(start, graph);
      if (cycle != null) {
        cycles.add(cycle);
      }
    }
    assertEquals(List.of(), cycles.stream().map(c -> String.join(" -> ", c)).distinct().toList());
  }

  @Test
  void coreDependsOnNoOtherPackage() {
    assertEquals(Set.of(), packageGraph().getOrDefault("core", Set.of()));
  }

  /** package (relative to the root) -> the packages its files import, itself excluded. */
  private static Map<String, Set<String>> packageGraph() {
    Map<String, Set<String>> graph = new TreeMap<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      files.filter(f -> f.toString().endsWith(".java")).forEach(file -> {
        String pkg = SOURCES.relativize(file.getParent()).toString().replace('/', '.');
        Set<String> edges = graph.computeIfAbsent(pkg, p -> new TreeSet<>());
        Matcher m = IMPORT.matcher(read(file));
        while (m.find()) {
          String target = m.group(1).substring(0, m.group(1).length() - 1);
          if (!target.equals(pkg)) {
            edges.add(target);
          }
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return graph;
  }

  /** The shortest cycle from {@code start} back to itself, as the packages along it, or null (breadth first). */
  private static List<String> cycleThrough(String start, Map<String, Set<String>> graph) {
    Map<String, String> parent = new TreeMap<>();
    List<String> frontier = List.of(start);
    while (!frontier.isEmpty()) {
      List<String> next = new ArrayList<>();
      for (String p : frontier) {
        for (String q : graph.getOrDefault(p, Set.of())) {
          if (q.equals(start)) {
            List<String> cycle = new ArrayList<>();
            for (String at = p; at != null; at = parent.get(at)) {
              cycle.add(0, at);
            }
            cycle.add(start);
            return canonical(cycle);
          }
          if (!parent.containsKey(q) && !q.equals(start)) {
            parent.put(q, p);
            next.add(q);
          }
        }
      }
      frontier = next;
    }
    return null;
  }

  /** The cycle rotated to start at its smallest package, so each cycle is reported once. */
  private static List<String> canonical(List<String> cycle) {
    List<String> ring = cycle.subList(0, cycle.size() - 1);
    int min = ring.indexOf(ring.stream().min(String::compareTo).orElseThrow());
    List<String> out = new ArrayList<>(ring.subList(min, ring.size()));
    out.addAll(ring.subList(0, min));
    out.add(out.get(0));
    return out;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
