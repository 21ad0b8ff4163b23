package dev.kiln.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keeps the packages of {@code dev.kiln.pipelines} acyclic, read from the compiled classes. */
class PackageCycleTest {

  private static final String ROOT = "dev.kiln.pipelines";

  private static PackageGraph mainClasses() throws IOException, URISyntaxException {
    Path classes =
        Path.of(Pipeline.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    assertThat(classes.resolve("dev/kiln/pipelines/Pipeline.class")).isRegularFile();
    return PackageGraph.of(classes, ROOT);
  }

  @Test
  void pipelinesPackagesHaveNoCycle() throws Exception {
    assertThat(mainClasses().cycles()).isEmpty();
  }

  @Test
  void theRootDependsOnlyOnValueTypesAndTheDslValidationAndSpiOnTheRoot() throws Exception {
    var deps = mainClasses().dependencies();
    assertThat(deps.keySet())
        .containsExactlyInAnyOrder(
            ROOT,
            ROOT + ".command",
            ROOT + ".dsl",
            ROOT + ".spi",
            ROOT + ".tuning",
            ROOT + ".types",
            ROOT + ".validation");
    // the domain model knows nothing of how it is written, checked or run
    assertThat(deps.get(ROOT)).containsExactlyInAnyOrder(ROOT + ".tuning", ROOT + ".types");
    assertThat(deps.get(ROOT + ".spi")).contains(ROOT);
    assertThat(deps.get(ROOT + ".dsl")).contains(ROOT, ROOT + ".validation");
    assertThat(deps.get(ROOT + ".validation")).contains(ROOT).doesNotContain(ROOT + ".dsl");
  }

  @Test
  void findsACycleThroughDescriptorsAndInlineNamesButNotStringLiterals(@TempDir Path dir)
      throws IOException {
    write(
        dir,
        "x/a/A.java",
        "package x.a;\n"
            + "public class A {\n"
            + "  public x.b.B make() { return null; }\n" // inline fully-qualified name
            + "  public String name() { return \"x/c/C\"; }\n" // a literal, not a reference
            + "}\n");
    write(
        dir,
        "x/b/B.java",
        "package x.b;\n"
            + "import java.util.List;\n"
            + "public class B {\n"
            + "  List<x.a.A> all;\n" // only in the generic signature
            + "}\n");
    write(dir, "x/c/C.java", "package x.c;\npublic class C { x.a.A a; }\n");
    compile(dir, "x/a/A.java", "x/b/B.java", "x/c/C.java");

    PackageGraph graph = PackageGraph.of(dir.resolve("out"), "x");

    assertThat(graph.dependencies().get("x.a")).containsExactly("x.b");
    assertThat(graph.dependencies().get("x.c")).containsExactly("x.a");
    assertThat(graph.cycles())
        .containsExactly("x.a <-> x.b:\n  x.a -> x.b (x.a.A -> x.b.B)\n  x.b -> x.a (x.b.B -> x.a.A)");
  }

  private static void write(Path dir, String file, String source) throws IOException {
    Path path = dir.resolve("src").resolve(file);
    Files.createDirectories(path.getParent());
    Files.writeString(path, source);
  }

  private static void compile(Path dir, String... files) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> args = new ArrayList<>();
    args.addAll(List.of("--release", "17", "-d", dir.resolve("out").toString()));
    args.addAll(List.of("-sourcepath", dir.resolve("src").toString()));
    for (String f : files) {
      args.add(dir.resolve("src").resolve(f).toString());
    }
    assertThat(javac.run(null, null, null, args.toArray(String[]::new))).isZero();
  }
}
