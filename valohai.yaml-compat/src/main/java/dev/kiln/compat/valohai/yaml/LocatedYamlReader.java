package dev.kiln.compat.valohai.yaml;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import dev.kiln.compat.valohai.Diagnostic;
import dev.kiln.pipelines.validation.Severity;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.scanner.ScannerImpl;
import org.yaml.snakeyaml.tokens.Token;

/**
 * Reads a YAML file into a {@link YamlNode} tree where every key and value keeps its line and
 * column, and turns every way a file can be bad (missing, empty, binary, too big, broken YAML,
 * duplicate keys, alias bombs) into a located {@link Diagnostic} instead of an exception.
 *
 * <p>Anchors and aliases are supported (an alias shares the anchored node, nothing is copied), with
 * the same limits SnakeYAML applies to alias-heavy documents, so a "billion laughs" file is refused
 * with a message rather than eating memory.
 */
public final class LocatedYamlReader {
  /** Largest file we read: far above any real {@code valohai.yaml}, far below trouble. */
  public static final int MAX_BYTES = 16 * 1024 * 1024;

  /** Most aliases in one document (SnakeYAML's own default for collections). */
  public static final int MAX_ALIASES = 50;

  /** Most nodes the document may stand for once aliases are expanded. */
  public static final long MAX_EXPANDED_NODES = 1_000_000;

  /** Deepest nesting accepted. */
  public static final int MAX_NESTING = 100;

  /** What reading produced: the tree when the file is YAML, and every problem found. */
  public record Result(Optional<YamlNode> root, List<Diagnostic> diagnostics) {
    public Result {
      diagnostics = List.copyOf(diagnostics);
    }

    public boolean hasErrors() {
      return diagnostics.stream().anyMatch(Diagnostic::isError);
    }
  }

  private final Path file;
  private final List<Diagnostic> diagnostics = new ArrayList<>();
  private final Map<String, Anchored> anchors = new HashMap<>();
  private int aliasCount;
  private long expandedNodes;

  private record Anchored(YamlNode node, long size) {}

  private LocatedYamlReader(Path file) {
    this.file = file;
  }

  /** Reads {@code file}; never throws for bad input. */
  public static Result read(Path file) {
    byte[] bytes;
    try {
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        return fail(
            file,
            String.format(
                "file is %.1f MB, larger than the %d MB limit for a valohai.yaml",
                size / 1024.0 / 1024.0, MAX_BYTES / 1024 / 1024));
      }
      if (Files.isDirectory(file)) {
        return fail(file, "is a directory, not a YAML file");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return fail(file, "file not found");
    } catch (IOException e) {
      return fail(file, "cannot read file: " + e.getMessage());
    }
    return parse(file, bytes);
  }

  /** Parses {@code bytes} as if read from {@code file} (used in messages only). */
  public static Result parse(Path file, byte[] bytes) {
    if (bytes.length > MAX_BYTES) {
      return fail(file, "file is larger than the " + MAX_BYTES / 1024 / 1024 + " MB limit");
    }
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == 0) {
        int[] lc = lineCol(bytes, i);
        return new Result(
            Optional.empty(),
            List.of(
                new Diagnostic(
                    file,
                    lc[0],
                    lc[1],
                    Severity.ERROR,
                    "binary file (NUL byte at offset " + i + "), not a YAML text file")));
      }
    }
    String text;
    try {
      CharsetDecoder dec =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT);
      text = dec.decode(ByteBuffer.wrap(bytes)).toString();
    } catch (MalformedInputException e) {
      int offset = firstInvalidUtf8(bytes);
      int[] lc = lineCol(bytes, offset);
      return new Result(
          Optional.empty(),
          List.of(
              new Diagnostic(
                  file,
                  lc[0],
                  lc[1],
                  Severity.ERROR,
                  "not valid UTF-8 (bad byte at offset " + offset + "); valohai.yaml must be UTF-8 text")));
    } catch (CharacterCodingException e) {
      return fail(file, "not valid UTF-8 text");
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    return new LocatedYamlReader(file).parseText(text);
  }

  private static Result fail(Path file, String message) {
    return new Result(
        Optional.empty(), List.of(new Diagnostic(file, 0, 0, Severity.ERROR, message)));
  }

  private Result parseText(String text) {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(MAX_BYTES);
    options.setMaxAliasesForCollections(MAX_ALIASES);
    options.setNestingDepthLimit(MAX_NESTING);
    options.setAllowDuplicateKeys(true); // we report duplicates ourselves, all of them, located
    text = shortenLongComments(text, options);
    LocatingYamlFactory factory = new LocatingYamlFactory(options);
    YamlNode root = null;
    try (JsonParser p = factory.createParser(new StringReader(text))) {
      LocatingYamlFactory.LocatingParser parser = (LocatingYamlFactory.LocatingParser) p;
      JsonToken token = parser.nextToken();
      if (token == null) {
        diagnostics.add(
            new Diagnostic(
                file,
                0,
                0,
                Severity.ERROR,
                "file is empty: expected a list of items such as `- step:` and `- pipeline:`"));
        return new Result(Optional.empty(), diagnostics);
      }
      root = readValue(parser, token, 0);
      JsonToken next = root == null ? null : parser.nextToken();
      if (next != null) {
        Mark2 at = mark(parser);
        diagnostics.add(
            new Diagnostic(
                file,
                at.line(),
                at.col(),
                Severity.ERROR,
                "more than one YAML document (`---`); a valohai.yaml holds exactly one"));
      }
    } catch (StreamReadException e) {
      addSyntaxError(e);
      root = null;
    } catch (YAMLException e) {
      addSyntaxError(e);
      root = null;
    } catch (IOException e) {
      diagnostics.add(new Diagnostic(file, 0, 0, Severity.ERROR, "cannot read: " + e.getMessage()));
      root = null;
    } catch (LimitExceeded e) {
      diagnostics.add(e.diagnostic);
      root = null;
    }
    return new Result(Optional.ofNullable(root), diagnostics);
  }

  /** Comments longer than this (in chars) are cut before SnakeYAML reads the text. */
  static final int LONG_COMMENT = 4096;

  private static boolean isLineBreak(char c) {
    return c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029';
  }

  /**
   * The text handed to SnakeYAML: {@code text} with every comment longer than {@link #LONG_COMMENT}
   * chars cut down to its {@code #}. SnakeYAML's reader copies its whole look-ahead window for each
   * 1 K chars it reads, so one huge comment costs time quadratic in its length (a 15 MB comment line
   * took close to a minute). Only text from a comment's {@code #} to its line end is dropped, so every
   * line and column SnakeYAML reports stays what it was. Which {@code #} starts a comment is decided by
   * SnakeYAML's own scanner, run over the cut text: a cut is kept only if the scanner sees a comment
   * starting exactly there. At the first cut it does not confirm, the next {@code #} of that line is
   * tried (a few times); failing that, that cut and all later ones are undone (correct, just not
   * faster, for such odd files).
   */
  static String shortenLongComments(String text, LoaderOptions options) {
    // Per long line, the '#'s at line start or after a space/tab that leave a long tail.
    List<int[]> options2 = new ArrayList<>(); // per line: {end of line, '#' positions...}
    int n = text.length();
    int lineStart = 0;
    while (lineStart <= n) {
      int end = lineStart;
      while (end < n && !isLineBreak(text.charAt(end))) {
        end++;
      }
      if (end - lineStart > LONG_COMMENT) {
        List<Integer> hashes = new ArrayList<>();
        for (int i = lineStart; i < end - LONG_COMMENT - 1 && hashes.size() < 8; i++) {
          if (text.charAt(i) == '#'
              && (i == lineStart || text.charAt(i - 1) == ' ' || text.charAt(i - 1) == '\t')) {
            hashes.add(i);
          }
        }
        if (!hashes.isEmpty()) {
          int[] o = new int[hashes.size() + 1];
          o[0] = end;
          for (int k = 0; k < hashes.size(); k++) {
            o[k + 1] = hashes.get(k);
          }
          options2.add(o);
        }
      }
      lineStart = end + 1;
    }
    int[] choice = new int[options2.size()]; // which '#' of each line is tried; all start at the first
    int confirmed = 0;
    for (int round = 0; round < 16 && confirmed < options2.size(); round++) {
      StringBuilder cut = new StringBuilder();
      long[] at = new long[options2.size()]; // code point index of each cut '#' in the cut text
      int from = 0;
      long codePoints = 0;
      for (int k = 0; k < options2.size(); k++) {
        int hash = options2.get(k)[1 + choice[k]];
        codePoints += text.codePointCount(from, hash);
        at[k] = codePoints;
        cut.append(text, from, hash + 1);
        codePoints += 1;
        from = options2.get(k)[0];
      }
      cut.append(text, from, n);
      Set<Integer> commentStarts = commentStarts(cut.toString(), options);
      confirmed = 0;
      while (confirmed < options2.size() && commentStarts.contains((int) at[confirmed])) {
        confirmed++;
      }
      if (confirmed == options2.size()) {
        return cut.toString();
      }
      // The first unconfirmed line: try its next '#', or give up on it and everything after.
      if (choice[confirmed] + 2 >= options2.get(confirmed).length) {
        break;
      }
      choice[confirmed]++;
    }
    StringBuilder out = new StringBuilder();
    int from = 0;
    for (int k = 0; k < confirmed; k++) {
      out.append(text, from, options2.get(k)[1 + choice[k]] + 1);
      from = options2.get(k)[0];
    }
    out.append(text, from, n);
    return out.toString();
  }

  /** Code point index of every comment SnakeYAML's scanner finds in {@code text} (up to an error). */
  private static Set<Integer> commentStarts(String text, LoaderOptions options) {
    Set<Integer> starts = new HashSet<>();
    LoaderOptions scan = new LoaderOptions();
    scan.setCodePointLimit(options.getCodePointLimit());
    scan.setProcessComments(true);
    try {
      ScannerImpl scanner =
          new ScannerImpl(
              new StreamReader(text), scan);
      while (!scanner.checkToken(Token.ID.StreamEnd)) {
        Token t = scanner.getToken();
        if (t.getTokenId() == Token.ID.Comment) {
          starts.add(t.getStartMark().getIndex());
        }
      }
    } catch (YAMLException e) {
      // the real parse reports it; cuts after the error are simply not confirmed
    }
    return starts;
  }

  private record Mark2(int line, int col) {}

  private static Mark2 mark(JsonParser parser) {
    JsonLocation loc = parser.currentTokenLocation();
    return new Mark2(Math.max(1, loc.getLineNr()), Math.max(1, loc.getColumnNr()));
  }

  private static dev.kiln.compat.valohai.yaml.Mark at(JsonParser parser) {
    Mark2 m = mark(parser);
    return new dev.kiln.compat.valohai.yaml.Mark(m.line(), m.col());
  }

  /** Thrown internally to stop at a resource limit; always turned into a diagnostic. */
  private static final class LimitExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Diagnostic diagnostic;

    LimitExceeded(Diagnostic diagnostic) {
      super(diagnostic.message(), null, false, false);
      this.diagnostic = diagnostic;
    }
  }

  private YamlNode readValue(LocatingYamlFactory.LocatingParser parser, JsonToken token, int depth)
      throws IOException {
    dev.kiln.compat.valohai.yaml.Mark mark = at(parser);
    String anchor = parser.isCurrentAlias() ? null : parser.currentAnchor();
    YamlNode node;
    long size;
    switch (token) {
      case START_OBJECT -> {
        List<YamlNode.Entry> entries = new ArrayList<>();
        Map<String, YamlNode.Entry> seen = new LinkedHashMap<>();
        List<YamlNode> merges = new ArrayList<>();
        size = 1;
        JsonToken t;
        while ((t = parser.nextToken()) == JsonToken.FIELD_NAME) {
          String key = parser.currentName();
          dev.kiln.compat.valohai.yaml.Mark keyMark = at(parser);
          JsonToken vt = parser.nextToken();
          long before = expandedNodes;
          YamlNode value = readValue(parser, vt, depth + 1);
          size += sizeOf(value, before);
          if (key.equals("<<")) {
            merges.add(value);
            continue;
          }
          YamlNode.Entry prev = seen.get(key);
          if (prev != null) {
            diagnostics.add(
                new Diagnostic(
                    file,
                    keyMark.line(),
                    keyMark.col(),
                    Severity.ERROR,
                    "duplicate key `" + key + "` (first given at line " + prev.keyMark().line()
                        + ")"));
          }
          YamlNode.Entry entry = new YamlNode.Entry(key, keyMark, value);
          seen.put(key, entry);
          entries.add(entry);
        }
        if (t != JsonToken.END_OBJECT) {
          throw new IOException("unexpected token " + t);
        }
        for (YamlNode merge : merges) {
          List<YamlNode> sources =
              merge instanceof YamlNode.YamlSeq s ? s.items() : List.of(merge);
          for (YamlNode src : sources) {
            if (src instanceof YamlNode.YamlMap m) {
              for (YamlNode.Entry e : m.entries()) {
                if (!seen.containsKey(e.key())) {
                  seen.put(e.key(), e);
                  entries.add(e);
                }
              }
            } else {
              diagnostics.add(
                  new Diagnostic(
                      file,
                      src.mark().line(),
                      src.mark().col(),
                      Severity.ERROR,
                      "merge key `<<` needs a mapping (or a list of mappings), not "
                          + src.describe()));
            }
          }
        }
        node = new YamlNode.YamlMap(mark, entries);
      }
      case START_ARRAY -> {
        List<YamlNode> items = new ArrayList<>();
        size = 1;
        JsonToken t;
        while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
          if (t == null) {
            throw new IOException("unexpected end of input");
          }
          long before = expandedNodes;
          YamlNode item = readValue(parser, t, depth + 1);
          size += sizeOf(item, before);
          items.add(item);
        }
        node = new YamlNode.YamlSeq(mark, items);
      }
      default -> {
        if (parser.isCurrentAlias()) {
          String name = parser.getText();
          Anchored target = anchors.get(name);
          if (target == null) {
            throw new LimitExceeded(
                new Diagnostic(
                    file, mark.line(), mark.col(), Severity.ERROR,
                    "alias `*" + name + "` refers to no anchor `&" + name + "` defined before it"));
          }
          aliasCount++;
          expandedNodes += target.size();
          if (aliasCount > MAX_ALIASES || expandedNodes > MAX_EXPANDED_NODES) {
            throw new LimitExceeded(
                new Diagnostic(
                    file, mark.line(), mark.col(), Severity.ERROR,
                    "too many aliases: more than " + MAX_ALIASES + " aliases or "
                        + MAX_EXPANDED_NODES + " nodes once expanded (an alias bomb?)"));
          }
          return target.node();
        }
        String text = token == JsonToken.VALUE_NULL && parser.getText() == null ? "" : parser.getText();
        if (text == null) {
          text = "";
        }
        node = ScalarResolver.resolve(mark, text, parser.currentScalarIsPlain());
        size = 1;
      }
    }
    expandedNodes += 1;
    if (expandedNodes > MAX_EXPANDED_NODES) {
      throw new LimitExceeded(
          new Diagnostic(
              file, mark.line(), mark.col(), Severity.ERROR,
              "document too large: more than " + MAX_EXPANDED_NODES + " values"));
    }
    if (anchor != null) {
      anchors.put(anchor, new Anchored(node, size));
    }
    return node;
  }

  private long sizeOf(YamlNode value, long before) {
    // For an alias, readValue counted the anchored size into expandedNodes; use the delta.
    return Math.max(1, expandedNodes - before);
  }

  private void addSyntaxError(Exception e) {
    MarkedYAMLException marked = findMarked(e);
    if (marked != null) {
      Mark problem = marked.getProblemMark() != null ? marked.getProblemMark() : marked.getContextMark();
      int line = problem == null ? 0 : problem.getLine() + 1;
      int col = problem == null ? 0 : problem.getColumn() + 1;
      String what = marked.getProblem() != null ? marked.getProblem() : marked.getContext();
      String message = "YAML syntax error: " + what;
      if (marked.getContext() != null && marked.getProblem() != null) {
        Mark ctx = marked.getContextMark();
        message += " (" + marked.getContext()
            + (ctx == null ? "" : " at line " + (ctx.getLine() + 1)) + ")";
      }
      if (what != null && what.contains("not allowed here")) {
        message += "; check the indentation";
      }
      diagnostics.add(new Diagnostic(file, line, col, Severity.ERROR, message));
      return;
    }
    YAMLException limit = findYaml(e);
    String msg = limit != null ? limit.getMessage() : e.getMessage();
    int line = 0;
    int col = 0;
    if (e instanceof StreamReadException sre && sre.getLocation() != null) {
      line = Math.max(0, sre.getLocation().getLineNr());
      col = Math.max(0, sre.getLocation().getColumnNr());
    }
    diagnostics.add(
        new Diagnostic(file, line, col, Severity.ERROR, "YAML error: " + firstLine(msg)));
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable YAML";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static MarkedYAMLException findMarked(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof MarkedYAMLException m) {
        return m;
      }
    }
    return null;
  }

  private static YAMLException findYaml(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof YAMLException y) {
        return y;
      }
    }
    return null;
  }

  private static int[] lineCol(byte[] bytes, int offset) {
    int line = 1;
    int col = 1;
    for (int i = 0; i < offset && i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        line++;
        col = 1;
      } else if ((bytes[i] & 0xC0) != 0x80) {
        col++;
      }
    }
    return new int[] {line, col};
  }

  private static int firstInvalidUtf8(byte[] bytes) {
    CharsetDecoder dec =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length + 1);
    CoderResult r = dec.decode(in, out, true);
    return r.isError() ? in.position() : 0;
  }
}
