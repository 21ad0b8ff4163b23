package dev.kiln.pipelines;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The package dependency graph of compiled classes, read from their constant pools (class
 * references, field and method descriptors, generic signatures, annotations): everything the
 * compiled code refers to, fully-qualified names written inline included. String literals are not
 * references and are left out.
 */
final class PackageGraph {

  /** One class-level reference that makes one package depend on another, kept as evidence. */
  record ClassEdge(String from, String to) {
    @Override
    public String toString() {
      return from + " -> " + to;
    }
  }

  // package -> package -> the first class-level edge (in class-name order) that makes it
  private final Map<String, Map<String, ClassEdge>> edges = new TreeMap<>();

  private PackageGraph() {}

  /** Reads every class file under {@code classes} that refers to packages under {@code prefix}. */
  static PackageGraph of(Path classes, String prefix) throws IOException {
    PackageGraph graph = new PackageGraph();
    String internalPrefix = prefix.replace('.', '/');
    Pattern name =
        Pattern.compile(Pattern.quote(internalPrefix) + "(?:/[A-Za-z0-9_$]+)*(?![A-Za-z0-9_$/])");
    List<Path> files;
    try (Stream<Path> walk = Files.walk(classes)) {
      files = walk.filter(p -> p.toString().endsWith(".class")).sorted().toList();
    }
    for (Path file : files) {
      String self;
      Set<String> referenced = new TreeSet<>();
      try (InputStream in = Files.newInputStream(file)) {
        self = readReferences(in, name, referenced);
      }
      String from = packageOf(self);
      if (!within(from, prefix)) {
        continue;
      }
      graph.edges.computeIfAbsent(from, k -> new TreeMap<>());
      for (String ref : referenced) {
        String to = packageOf(ref);
        if (!to.equals(from) && within(to, prefix)) {
          graph.edges.get(from).putIfAbsent(to, new ClassEdge(self, ref));
        }
      }
    }
    return graph;
  }

  /** The packages read, each with the packages it depends on. */
  Map<String, Set<String>> dependencies() {
    Map<String, Set<String>> out = new TreeMap<>();
    edges.forEach((from, tos) -> out.put(from, new TreeSet<>(tos.keySet())));
    return out;
  }

  /**
   * Every package cycle, one line per strongly connected group of packages: the packages, then
   * each dependency inside the group with one class-level reference that makes it.
   */
  List<String> cycles() {
    List<String> out = new ArrayList<>();
    for (Set<String> group : stronglyConnected()) {
      if (group.size() < 2) {
        continue;
      }
      StringBuilder line = new StringBuilder(String.join(" <-> ", group)).append(':');
      for (String from : group) {
        edges.getOrDefault(from, Map.of()).forEach(
            (to, evidence) -> {
              if (group.contains(to)) {
                line.append("\n  ").append(from).append(" -> ").append(to);
                line.append(" (").append(evidence).append(')');
              }
            });
      }
      out.add(line.toString());
    }
    return out;
  }

  // Tarjan's algorithm, iterative-enough for a few dozen packages: recursion depth = package count.
  private List<Set<String>> stronglyConnected() {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new TreeSet<>();
    List<Set<String>> groups = new ArrayList<>();
    for (String node : edges.keySet()) {
      if (!index.containsKey(node)) {
        connect(node, index, low, stack, onStack, groups);
      }
    }
    groups.sort((a, b) -> a.iterator().next().compareTo(b.iterator().next()));
    return groups;
  }

  private void connect(
      String node,
      Map<String, Integer> index,
      Map<String, Integer> low,
      Deque<String> stack,
      Set<String> onStack,
      List<Set<String>> groups) {
    index.put(node, index.size());
    low.put(node, index.get(node));
    stack.push(node);
    onStack.add(node);
    for (String next : edges.getOrDefault(node, Map.of()).keySet()) {
      if (!index.containsKey(next)) {
        connect(next, index, low, stack, onStack, groups);
        low.put(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.contains(next)) {
        low.put(node, Math.min(low.get(node), index.get(next)));
      }
    }
    if (low.get(node).equals(index.get(node))) {
      Set<String> group = new TreeSet<>();
      String member;
      do {
        member = stack.pop();
        onStack.remove(member);
        group.add(member);
      } while (!member.equals(node));
      groups.add(group);
    }
  }

  private static boolean within(String pkg, String prefix) {
    return pkg.equals(prefix) || pkg.startsWith(prefix + ".");
  }

  private static String packageOf(String className) {
    int dot = className.lastIndexOf('.');
    return dot < 0 ? "" : className.substring(0, dot);
  }

  /**
   * Parses one class file's constant pool (JVMS 4.4), adds the dotted names of the classes it
   * refers to that match {@code name} to {@code out}, and returns the class's own dotted name.
   */
  private static String readReferences(InputStream raw, Pattern name, Set<String> out)
      throws IOException {
    DataInputStream in = new DataInputStream(raw);
    if (in.readInt() != 0xCAFEBABE) {
      throw new IOException("not a class file");
    }
    in.readUnsignedShort(); // minor
    in.readUnsignedShort(); // major
    int count = in.readUnsignedShort();
    String[] utf8 = new String[count];
    int[] classNameIndex = new int[count];
    BitSet literal = new BitSet(count);
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1 -> utf8[i] = in.readUTF();
        case 7 -> classNameIndex[i] = in.readUnsignedShort(); // Class
        case 8 -> literal.set(in.readUnsignedShort()); // String: a literal, not a reference
        case 16, 19, 20 -> in.readUnsignedShort(); // MethodType, Module, Package
        case 15 -> {
          in.readUnsignedByte(); // MethodHandle
          in.readUnsignedShort();
        }
        case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt(); // two u2 or one u4
        case 5, 6 -> {
          in.readLong(); // Long, Double: take two slots
          i++;
        }
        default -> throw new IOException("unknown constant pool tag " + tag + " at " + i);
      }
    }
    in.readUnsignedShort(); // access flags
    int thisClass = in.readUnsignedShort();
    for (int i = 1; i < count; i++) {
      if (utf8[i] == null || literal.get(i)) {
        continue;
      }
      Matcher m = name.matcher(utf8[i]);
      while (m.find()) {
        out.add(m.group().replace('/', '.'));
      }
    }
    return utf8[classNameIndex[thisClass]].replace('/', '.');
  }
}
