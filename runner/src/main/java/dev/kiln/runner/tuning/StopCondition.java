package dev.kiln.runner.tuning;

import dev.kiln.pipelines.tuning.Goal;
import dev.kiln.pipelines.tuning.TuningSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * When a tuning job is done before its last trial: Valohai's {@code stop-condition} (an expression
 * over a trial's metadata, such as {@code accuracy > 0.95} or {@code metadata.loss < 0.1 and epoch
 * >= 3}) and its {@code optimization-target-value} (the metric reaching a value in the goal's
 * direction). A pure function of one trial's metadata, so a resumed job decides as the first run
 * did.
 *
 * <p>The expression language is the part of Python's that Valohai's examples use: numbers, strings,
 * {@code True}/{@code False}, names (a metadata key, also written {@code metadata.KEY}), {@code + -
 * * / // % **}, comparisons (chained as in Python), {@code and}, {@code or}, {@code not} and
 * parentheses. A name the trial has not printed makes the condition not met.
 */
public final class StopCondition {
  private final Optional<String> expression;
  private final Optional<Node> parsed;
  private final Optional<Double> target;
  private final Goal goal;
  private final String metric;

  private StopCondition(
      Optional<String> expression, Optional<Double> target, Goal goal, String metric) {
    this.expression = expression;
    this.parsed = expression.map(StopCondition::parse);
    this.target = target;
    this.goal = Objects.requireNonNull(goal, "goal");
    this.metric = metric;
  }

  /** The spec's stop condition and target value; {@link #never()} when it has neither. */
  public static StopCondition of(TuningSpec spec) {
    return new StopCondition(spec.stopCondition(), spec.targetValue(), spec.goal(), spec.metric());
  }

  /** Only the expression (for tests and for step-level stop conditions). */
  public static StopCondition of(String expression) {
    return new StopCondition(Optional.of(expression), Optional.empty(), Goal.MAXIMIZE, "");
  }

  public boolean isNever() {
    return expression.isEmpty() && target.isEmpty();
  }

  /**
   * Why the job stops after this trial, or empty to go on. {@code metadata} is the trial's metadata
   * (each key's last value: Number, Boolean or String); {@code metricValue} the value of the
   * spec's metric as its {@code metricValue} reads it (last or best), empty if never printed.
   */
  public Optional<String> check(Map<String, ?> metadata, OptionalDouble metricValue) {
    if (target.isPresent() && metricValue.isPresent()) {
      double v = metricValue.getAsDouble();
      double t = target.get();
      if (goal == Goal.MAXIMIZE ? v >= t : v <= t) {
        return Optional.of("\"" + metric + "\" reached the target value " + num(t) + " ("
            + num(v) + ")");
      }
    }
    if (parsed.isPresent() && met(metadata)) {
      return Optional.of("stop-condition `" + expression.get() + "` is met");
    }
    return Optional.empty();
  }

  /** Whether the expression holds for {@code metadata}; false when it names a key not there. */
  public boolean met(Map<String, ?> metadata) {
    if (parsed.isEmpty()) {
      return false;
    }
    try {
      return truthy(parsed.get().eval(metadata));
    } catch (Missing | ArithmeticException e) {
      return false;
    }
  }

  private static String num(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  // ---------------------------------------------------------------------------------------------

  private static final class Missing extends RuntimeException {
    Missing() {
      super(null, null, false, false);
    }
  }

  private interface Node {
    Object eval(Map<String, ?> m);
  }

  private static boolean truthy(Object v) {
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof Double d) {
      return d != 0;
    }
    return v instanceof String s && !s.isEmpty();
  }

  private static double number(Object v) {
    if (v instanceof Double d) {
      return d;
    }
    if (v instanceof Boolean b) {
      return b ? 1 : 0;
    }
    throw new ArithmeticException("not a number: " + v);
  }

  private static Object value(Object raw) {
    if (raw instanceof Number n) {
      return n.doubleValue();
    }
    if (raw instanceof Boolean || raw instanceof String) {
      return raw;
    }
    throw new Missing();
  }

  private static boolean compare(String op, Object a, Object b) {
    if (a instanceof String || b instanceof String) {
      return switch (op) {
        case "==" -> a.equals(b);
        case "!=" -> !a.equals(b);
        default -> {
          if (a instanceof String x && b instanceof String y) {
            int c = x.compareTo(y);
            yield op.equals("<") ? c < 0 : op.equals(">") ? c > 0 : op.equals("<=") ? c <= 0 : c >= 0;
          }
          throw new ArithmeticException("cannot order a string and a number");
        }
      };
    }
    double x = number(a);
    double y = number(b);
    return switch (op) {
      case "<" -> x < y;
      case ">" -> x > y;
      case "<=" -> x <= y;
      case ">=" -> x >= y;
      case "==" -> x == y;
      default -> x != y;
    };
  }

  // Parsing -------------------------------------------------------------------------------------

  private record Token(String kind, String text, int col) {}

  /** The expression as a tree; an IllegalArgumentException says what is wrong and where. */
  static Node parse(String text) {
    Parser p = new Parser(tokenize(text));
    Node n = p.or();
    if (!p.peek().kind().equals("end")) {
      throw new IllegalArgumentException(
          "unexpected `" + p.peek().text() + "` at column " + p.peek().col() + " of `" + text + "`");
    }
    return n;
  }

  private static List<Token> tokenize(String s) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      int col = i + 1;
      if (Character.isWhitespace(c)) {
        i++;
      } else if (Character.isLetter(c) || c == '_') {
        int j = i;
        while (j < s.length()
            && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_' || s.charAt(j) == '.')) {
          j++;
        }
        out.add(new Token("name", s.substring(i, j), col));
        i = j;
      } else if (Character.isDigit(c) || c == '.') {
        int j = i;
        while (j < s.length() && (Character.isDigit(s.charAt(j)) || s.charAt(j) == '.'
            || s.charAt(j) == 'e' || s.charAt(j) == 'E' || s.charAt(j) == '_'
            || (s.charAt(j) == '+' || s.charAt(j) == '-') && (s.charAt(j - 1) == 'e' || s.charAt(j - 1) == 'E'))) {
          j++;
        }
        out.add(new Token("number", s.substring(i, j).replace("_", ""), col));
        i = j;
      } else if (c == '\'' || c == '"') {
        int j = s.indexOf(c, i + 1);
        if (j < 0) {
          throw new IllegalArgumentException("unterminated string starting at column " + col);
        }
        out.add(new Token("string", s.substring(i + 1, j), col));
        i = j + 1;
      } else {
        String two = i + 1 < s.length() ? s.substring(i, i + 2) : "";
        if (List.of("==", "!=", "<=", ">=", "**", "//").contains(two)) {
          out.add(new Token("op", two, col));
          i += 2;
        } else if ("+-*/%<>()".indexOf(c) >= 0) {
          out.add(new Token("op", String.valueOf(c), col));
          i++;
        } else {
          throw new IllegalArgumentException("unexpected character `" + c + "` at column " + col);
        }
      }
    }
    out.add(new Token("end", "end of expression", s.length() + 1));
    return out;
  }

  private static final class Parser {
    private final List<Token> tokens;
    private int pos;

    Parser(List<Token> tokens) {
      this.tokens = tokens;
    }

    Token peek() {
      return tokens.get(pos);
    }

    boolean accept(String text) {
      Token t = peek();
      if ((t.kind().equals("op") || t.kind().equals("name")) && t.text().equals(text)) {
        pos++;
        return true;
      }
      return false;
    }

    Node or() {
      Node left = and();
      while (accept("or")) {
        Node l = left;
        Node r = and();
        left = m -> truthy(l.eval(m)) || truthy(r.eval(m));
      }
      return left;
    }

    Node and() {
      Node left = not();
      while (accept("and")) {
        Node l = left;
        Node r = not();
        left = m -> truthy(l.eval(m)) && truthy(r.eval(m));
      }
      return left;
    }

    Node not() {
      if (accept("not")) {
        Node inner = not();
        return m -> !truthy(inner.eval(m));
      }
      return comparison();
    }

    Node comparison() {
      Node first = arith();
      List<String> ops = new ArrayList<>();
      List<Node> rest = new ArrayList<>();
      while (true) {
        Token t = peek();
        if (t.kind().equals("op") && List.of("<", ">", "<=", ">=", "==", "!=").contains(t.text())) {
          pos++;
          ops.add(t.text());
          rest.add(arith());
        } else {
          break;
        }
      }
      if (ops.isEmpty()) {
        return first;
      }
      return m -> {
        Object a = first.eval(m);
        for (int i = 0; i < ops.size(); i++) {
          Object b = rest.get(i).eval(m);
          if (!compare(ops.get(i), a, b)) {
            return false;
          }
          a = b;
        }
        return true;
      };
    }

    Node arith() {
      Node left = term();
      while (true) {
        if (accept("+")) {
          Node l = left;
          Node r = term();
          left = m -> number(l.eval(m)) + number(r.eval(m));
        } else if (accept("-")) {
          Node l = left;
          Node r = term();
          left = m -> number(l.eval(m)) - number(r.eval(m));
        } else {
          return left;
        }
      }
    }

    Node term() {
      Node left = unary();
      while (true) {
        Token t = peek();
        if (t.kind().equals("op") && List.of("*", "/", "//", "%").contains(t.text())) {
          pos++;
          Node l = left;
          Node r = unary();
          String op = t.text();
          left = m -> {
            double a = number(l.eval(m));
            double b = number(r.eval(m));
            if (!op.equals("*") && b == 0) {
              throw new ArithmeticException("division by zero");
            }
            return switch (op) {
              case "*" -> a * b;
              case "/" -> a / b;
              case "//" -> Math.floor(a / b);
              default -> a - Math.floor(a / b) * b;
            };
          };
        } else {
          return left;
        }
      }
    }

    Node unary() {
      if (accept("-")) {
        Node inner = unary();
        return m -> -number(inner.eval(m));
      }
      if (accept("+")) {
        return unary();
      }
      Node base = atom();
      if (accept("**")) {
        Node exp = unary();
        return m -> Math.pow(number(base.eval(m)), number(exp.eval(m)));
      }
      return base;
    }

    Node atom() {
      Token t = peek();
      pos++;
      switch (t.kind()) {
        case "number" -> {
          double d;
          try {
            d = Double.parseDouble(t.text());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                "invalid number `" + t.text() + "` at column " + t.col(), e);
          }
          return m -> d;
        }
        case "string" -> {
          String s = t.text();
          return m -> s;
        }
        case "name" -> {
          String name = t.text();
          if (name.equals("True") || name.equals("False")) {
            boolean b = name.equals("True");
            return m -> b;
          }
          if (List.of("and", "or", "not").contains(name)) {
            throw new IllegalArgumentException(
                "unexpected `" + name + "` at column " + t.col());
          }
          String bare = name.startsWith("metadata.") ? name.substring("metadata.".length()) : name;
          return m -> {
            Object raw = m.containsKey(name) ? m.get(name) : m.get(bare);
            return value(raw);
          };
        }
        default -> {
          if (t.text().equals("(")) {
            Node inner = or();
            if (!accept(")")) {
              throw new IllegalArgumentException(
                  "expected `)` but found `" + peek().text() + "` at column " + peek().col());
            }
            return inner;
          }
          throw new IllegalArgumentException(
              "unexpected `" + t.text() + "` at column " + t.col());
        }
      }
    }
  }
}
