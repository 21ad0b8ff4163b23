package dev.kiln.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.pipelines.dsl.PipelineBuilder;
import java.io.File;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/** The DSL's point: a wrong wiring is a compile error, not a runtime surprise. */
class DslTypingTest {

  private static final String TEMPLATE =
      """
      import dev.kiln.pipelines.*;
      import dev.kiln.pipelines.dsl.*;
      import static dev.kiln.pipelines.Fixtures.*;
      class Wiring {
        void wire() {
          var p = PipelineBuilder.named("p");
          var convert = p.execution("convert", CONVERT);
          var train = p.execution("train", TRAIN);
          %s;
        }
      }
      """;

  @Test
  void matchingTypesCompile() {
    assertThat(compile("convert.output(CLASSES_OUT).to(train.input(CLASSES_IN))")).isEmpty();
    assertThat(compile("convert.output(TRAIN_OUT).to(train.input(ANY_IN))")).isEmpty();
  }

  @Test
  void mismatchedTypesDoNotCompile() {
    List<String> errors = compile("convert.output(CLASSES_OUT).to(train.input(TRAIN_IN))");
    assertThat(errors).isNotEmpty();
    assertThat(String.join("\n", errors)).contains("TfRecordShards").contains("ClassNames");
  }

  @Test
  void anOutputCannotBeWiredIntoAnOutput() {
    assertThat(compile("convert.output(CLASSES_OUT).to(train.output(CLASSES_OUT))")).isNotEmpty();
  }

  private static List<String> compile(String statement) {
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    JavaFileObject source =
        new SimpleJavaFileObject(URI.create("string:///Wiring.java"), JavaFileObject.Kind.SOURCE) {
          @Override
          public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return TEMPLATE.formatted(statement);
          }
        };
    String classpath = System.getProperty("java.class.path");
    File out = new File(System.getProperty("java.io.tmpdir"), "kiln-dsl-typing");
    out.mkdirs();
    List<String> options = List.of("-classpath", classpath, "-d", out.getPath(), "-proc:none");
    boolean ok =
        compiler.getTask(null, null, diagnostics, options, null, List.of(source)).call();
    List<String> errors = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      if (d.getKind() == Diagnostic.Kind.ERROR) {
        errors.add(d.getMessage(Locale.ROOT));
      }
    }
    assertThat(ok).isEqualTo(errors.isEmpty());
    return errors;
  }
}
