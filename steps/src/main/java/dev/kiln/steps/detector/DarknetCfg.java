package dev.kiln.steps.detector;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A parsed Darknet network description ({@code .cfg}). Darknet's own format is kept so that cfg
 * files from the Darknet ecosystem work unchanged; only the sections a YOLOv3 needs are supported,
 * and anything else is an error that names the line rather than a silently different network.
 *
 * @param name where the cfg came from (a built-in name or a file), for messages
 * @param width input width in pixels ({@code [net] width})
 * @param height input height in pixels
 * @param channels input channels
 * @param layers the layers in file order; {@link Route} and {@link Shortcut} indexes are absolute
 */
public record DarknetCfg(String name, int width, int height, int channels, List<Layer> layers) {

  /** The cfgs shipped with Kiln, by the names the {@code cfg} parameter accepts. */
  public static final List<String> BUILT_IN = List.of("yolov3", "yolov3-tiny", "shapes-tiny");

  public DarknetCfg {
    Objects.requireNonNull(name, "name");
    checkArgument(width > 0 && height > 0 && channels > 0, "bad input size in %s", name);
    layers = List.copyOf(layers);
  }

  /** Activation functions Darknet names in {@code activation=}. */
  public enum Activation {
    LEAKY,
    LINEAR,
    MISH,
    RELU,
    LOGISTIC
  }

  /** One layer of the network. */
  public sealed interface Layer permits Convolutional, MaxPool, Upsample, Route, Shortcut, Yolo {
    /** The line of the section header in the cfg, for messages. */
    int line();
  }

  /** {@code [convolutional]}; {@code pad=1} means "same" padding ({@code size / 2}). */
  public record Convolutional(
      int line,
      int filters,
      int size,
      int stride,
      int padding,
      boolean batchNormalize,
      int groups,
      Activation activation)
      implements Layer {}

  /** {@code [maxpool]}. */
  public record MaxPool(int line, int size, int stride) implements Layer {}

  /** {@code [upsample]}: nearest-neighbour by an integer factor. */
  public record Upsample(int line, int stride) implements Layer {}

  /** {@code [route]}: concatenates the outputs of earlier layers along channels. */
  public record Route(int line, List<Integer> layers) implements Layer {
    public Route {
      layers = List.copyOf(layers);
    }
  }

  /** {@code [shortcut]}: adds an earlier layer's output to the previous one. */
  public record Shortcut(int line, int from, Activation activation) implements Layer {}

  /**
   * {@code [yolo]}: a detection head over the previous layer.
   *
   * @param mask which of {@code anchors} this head uses
   * @param anchors all anchors as (width, height) pairs in input pixels
   */
  public record Yolo(int line, List<Integer> mask, List<float[]> anchors, int classes)
      implements Layer {
    public Yolo {
      mask = List.copyOf(mask);
      anchors = anchors.stream().map(float[]::clone).toList();
    }

    /** The anchors this head predicts with, (width, height) in input pixels. */
    public List<float[]> maskedAnchors() {
      return mask.stream().map(i -> anchors.get(i).clone()).toList();
    }

    @Override
    public List<float[]> anchors() {
      return anchors.stream().map(float[]::clone).toList();
    }
  }

  /** Loads a built-in cfg by name ({@link #BUILT_IN}). */
  public static DarknetCfg builtIn(String name) {
    if (!BUILT_IN.contains(name)) {
      throw new CfgException(
          "no built-in cfg \"" + name + "\" (known: " + String.join(", ", BUILT_IN) + ")");
    }
    try (InputStream in = DarknetCfg.class.getResourceAsStream(name + ".cfg")) {
      if (in == null) {
        throw new IllegalStateException("built-in cfg " + name + ".cfg is missing from the jar");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The text of a built-in cfg, to save next to a model. */
  public static String builtInText(String name) {
    builtIn(name);
    try (InputStream in = DarknetCfg.class.getResourceAsStream(name + ".cfg")) {
      return new String(Objects.requireNonNull(in).readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads a cfg file. */
  public static DarknetCfg read(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  /** The layers' YOLO heads, in output order. */
  public List<Yolo> heads() {
    return layers.stream().filter(l -> l instanceof Yolo).map(l -> (Yolo) l).toList();
  }

  /** The class count of the heads (they must agree). */
  public int numClasses() {
    return heads().get(0).classes();
  }

  /**
   * The same network predicting {@code classes} classes: each {@code [yolo]} gets the new count
   * and the convolution that feeds it gets {@code masks * (classes + 5)} filters, as one edits a
   * Darknet cfg by hand for a new dataset.
   */
  public DarknetCfg withClasses(int classes) {
    checkArgument(classes >= 1, "classes must be at least 1, got %s", classes);
    List<Layer> out = new ArrayList<>(layers);
    for (int i = 0; i < out.size(); i++) {
      if (out.get(i) instanceof Yolo y) {
        out.set(i, new Yolo(y.line(), y.mask(), y.anchors(), classes));
        if (i == 0 || !(out.get(i - 1) instanceof Convolutional c)) {
          throw new CfgException(
              name + ":" + y.line() + ": [yolo] must follow a [convolutional] to change classes");
        }
        out.set(
            i - 1,
            new Convolutional(
                c.line(),
                y.mask().size() * (classes + 5),
                c.size(),
                c.stride(),
                c.padding(),
                c.batchNormalize(),
                c.groups(),
                c.activation()));
      }
    }
    return new DarknetCfg(name, width, height, channels, out);
  }

  /** The same network with another input size (anchors stay in pixels, as in Darknet). */
  public DarknetCfg withSize(int size) {
    checkArgument(size >= 32 && size % 32 == 0, "size must be a multiple of 32, got %s", size);
    return new DarknetCfg(name, size, size, channels, layers);
  }

  /**
   * The cfg as Darknet text, with only the keys Kiln reads; saved next to a model so that the
   * network can be rebuilt exactly (class count and input size included).
   */
  public String toText() {
    StringBuilder b = new StringBuilder();
    b.append("# ").append(name).append(", written by Kiln\n");
    b.append("[net]\nwidth=").append(width).append("\nheight=").append(height);
    b.append("\nchannels=").append(channels).append("\n");
    for (Layer l : layers) {
      b.append('\n');
      if (l instanceof Convolutional c) {
        b.append("[convolutional]\n");
        if (c.batchNormalize()) {
          b.append("batch_normalize=1\n");
        }
        b.append("filters=").append(c.filters()).append("\nsize=").append(c.size());
        b.append("\nstride=").append(c.stride()).append("\npadding=").append(c.padding());
        if (c.groups() != 1) {
          b.append("\ngroups=").append(c.groups());
        }
        b.append("\nactivation=").append(c.activation().name().toLowerCase(Locale.ROOT));
        b.append('\n');
      } else if (l instanceof MaxPool m) {
        b.append("[maxpool]\nsize=").append(m.size()).append("\nstride=").append(m.stride());
        b.append('\n');
      } else if (l instanceof Upsample u) {
        b.append("[upsample]\nstride=").append(u.stride()).append('\n');
      } else if (l instanceof Route r) {
        b.append("[route]\nlayers=");
        b.append(String.join(",", r.layers().stream().map(String::valueOf).toList()));
        b.append('\n');
      } else if (l instanceof Shortcut s) {
        b.append("[shortcut]\nfrom=").append(s.from()).append("\nactivation=");
        b.append(s.activation().name().toLowerCase(Locale.ROOT)).append('\n');
      } else if (l instanceof Yolo y) {
        b.append("[yolo]\nmask=");
        b.append(String.join(",", y.mask().stream().map(String::valueOf).toList()));
        b.append("\nanchors=");
        List<String> a = new ArrayList<>();
        for (float[] wh : y.anchors()) {
          a.add(number(wh[0]) + "," + number(wh[1]));
        }
        b.append(String.join(", ", a)).append("\nclasses=").append(y.classes()).append('\n');
      }
    }
    return b.toString();
  }

  private static String number(float f) {
    return f == Math.rint(f) ? String.valueOf((long) f) : String.valueOf(f);
  }

  /** Parses cfg text; {@code source} names it in messages ({@code source:line: problem}). */
  public static DarknetCfg parse(String text, String source) {
    List<Section> sections = sections(text, source);
    if (sections.isEmpty() || !sections.get(0).type.equals("net")) {
      throw new CfgException(source + ":1: a cfg starts with a [net] section");
    }
    Section net = sections.get(0);
    int width = net.integer("width", 416);
    int height = net.integer("height", 416);
    int channels = net.integer("channels", 3);
    List<Layer> layers = new ArrayList<>();
    for (int i = 1; i < sections.size(); i++) {
      Section s = sections.get(i);
      int index = layers.size();
      layers.add(
          switch (s.type) {
            case "convolutional" -> {
              int size = s.integer("size", 1);
              boolean pad = s.integer("pad", 0) != 0;
              int padding = pad ? size / 2 : s.integer("padding", 0);
              yield new Convolutional(
                  s.line,
                  s.positive("filters", 1),
                  size,
                  s.positive("stride", 1),
                  padding,
                  s.integer("batch_normalize", 0) != 0,
                  s.positive("groups", 1),
                  s.activation("linear"));
            }
            case "maxpool" -> new MaxPool(s.line, s.positive("size", 2), s.positive("stride", 2));
            case "upsample" -> new Upsample(s.line, s.positive("stride", 2));
            case "route" -> {
              List<Integer> refs = new ArrayList<>();
              for (String v : s.list("layers")) {
                refs.add(s.reference(v, index, "layers"));
              }
              if (s.values.containsKey("groups")) {
                throw new CfgException(
                    source + ":" + s.line + ": [route] groups= is not supported");
              }
              yield new Route(s.line, refs);
            }
            case "shortcut" ->
                new Shortcut(
                    s.line, s.reference(s.require("from"), index, "from"), s.activation("linear"));
            case "yolo" -> {
              List<String> a = s.list("anchors");
              if (a.size() % 2 != 0) {
                throw new CfgException(
                    source + ":" + s.line + ": anchors= needs pairs of width,height");
              }
              List<float[]> anchors = new ArrayList<>();
              for (int k = 0; k < a.size(); k += 2) {
                anchors.add(new float[] {s.number(a.get(k), "anchors"), s.number(a.get(k + 1), "anchors")});
              }
              List<Integer> mask = new ArrayList<>();
              if (s.values.containsKey("mask")) {
                for (String m : s.list("mask")) {
                  int v = (int) s.number(m, "mask");
                  if (v < 0 || v >= anchors.size()) {
                    throw new CfgException(
                        source + ":" + s.line + ": mask " + v + " is not an anchor index (0.."
                            + (anchors.size() - 1) + ")");
                  }
                  mask.add(v);
                }
              } else {
                for (int k = 0; k < anchors.size(); k++) {
                  mask.add(k);
                }
              }
              yield new Yolo(s.line, mask, anchors, s.positive("classes", 80));
            }
            default ->
                throw new CfgException(
                    source + ":" + s.line + ": unsupported section [" + s.type
                        + "] (supported: net, convolutional, maxpool, upsample, route, shortcut,"
                        + " yolo)");
          });
    }
    DarknetCfg cfg = new DarknetCfg(source, width, height, channels, layers);
    if (cfg.heads().isEmpty()) {
      throw new CfgException(source + ": the cfg has no [yolo] section");
    }
    return cfg;
  }

  private static List<Section> sections(String text, String source) {
    List<Section> out = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    Section current = null;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int hash = line.indexOf('#');
      int semi = line.indexOf(';');
      int cut = hash < 0 ? semi : semi < 0 ? hash : Math.min(hash, semi);
      if (cut >= 0) {
        line = line.substring(0, cut);
      }
      line = line.strip();
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("[")) {
        if (!line.endsWith("]")) {
          throw new CfgException(source + ":" + (i + 1) + ": unclosed section header " + line);
        }
        current = new Section(source, line.substring(1, line.length() - 1).strip().toLowerCase(Locale.ROOT), i + 1);
        out.add(current);
        continue;
      }
      int eq = line.indexOf('=');
      if (eq < 0) {
        throw new CfgException(source + ":" + (i + 1) + ": expected key=value, got \"" + line + "\"");
      }
      if (current == null) {
        throw new CfgException(source + ":" + (i + 1) + ": key before the first [section]");
      }
      current.values.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
    }
    return out;
  }

  private static final class Section {
    final String source;
    final String type;
    final int line;
    final Map<String, String> values = new LinkedHashMap<>();

    Section(String source, String type, int line) {
      this.source = source;
      this.type = type;
      this.line = line;
    }

    String where() {
      return source + ":" + line + ": [" + type + "] ";
    }

    String require(String key) {
      String v = values.get(key);
      if (v == null) {
        throw new CfgException(where() + "needs " + key + "=");
      }
      return v;
    }

    int integer(String key, int dflt) {
      String v = values.get(key);
      if (v == null) {
        return dflt;
      }
      try {
        return Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw new CfgException(where() + key + "=" + v + " is not an integer");
      }
    }

    int positive(String key, int dflt) {
      int v = integer(key, dflt);
      if (v < 1) {
        throw new CfgException(where() + key + "=" + v + " must be at least 1");
      }
      return v;
    }

    float number(String v, String key) {
      try {
        return Float.parseFloat(v.strip());
      } catch (NumberFormatException e) {
        throw new CfgException(where() + key + ": \"" + v + "\" is not a number");
      }
    }

    List<String> list(String key) {
      List<String> out = new ArrayList<>();
      for (String p : require(key).split(",")) {
        if (!p.isBlank()) {
          out.add(p.strip());
        }
      }
      return out;
    }

    int reference(String v, int index, String key) {
      int r;
      try {
        r = Integer.parseInt(v.strip());
      } catch (NumberFormatException e) {
        throw new CfgException(where() + key + ": \"" + v + "\" is not a layer index");
      }
      int abs = r < 0 ? index + r : r;
      if (abs < 0 || abs >= index) {
        throw new CfgException(
            where() + key + "=" + v + " points at layer " + abs + ", but only layers 0.."
                + (index - 1) + " come before layer " + index);
      }
      return abs;
    }

    Activation activation(String dflt) {
      String v = values.getOrDefault("activation", dflt);
      try {
        return Activation.valueOf(v.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new CfgException(
            where() + "activation=" + v + " is not supported (leaky, linear, mish, relu, logistic)");
      }
    }
  }
}
