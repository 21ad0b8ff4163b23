package dev.kiln.steps.labels;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Pascal VOC XML: one {@code <annotation>} per image with {@code <filename>}, {@code <size>} and
 * {@code <object><name/><bndbox><xmin/>...</bndbox></object>}. Coordinates are used as written, as
 * TensorFlow's {@code create_pascal_tf_record.py} does (no 1-based correction). Images are looked
 * up in {@code ../JPEGImages/}, next to the XML, or under the root. When {@code
 * ImageSets/Main/{train,val,test}.txt} exist they give the split tags.
 *
 * <p>Parsed with StAX (the JDK's parser) with DTDs and external entities disabled, so an annotation
 * file cannot make the reader fetch or include other files.
 */
public final class VocReader implements LabelReader {
  private static final XMLInputFactory XML = newFactory();

  private static XMLInputFactory newFactory() {
    XMLInputFactory f = XMLInputFactory.newFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
    return f;
  }

  @Override
  public ReadResult read(Path input, InputScope scope) throws IOException {
    Path root = Files.isDirectory(input) ? input : input.toAbsolutePath().getParent();
    List<Path> files =
        Files.isDirectory(input)
            ? Sources.files(input, 4, p -> Sources.extension(p).equals("xml"))
            : List.of(input);
    Map<String, String> setTags = imageSetTags(root);
    List<LabeledImage> images = new ArrayList<>();
    List<Rejection> rejections = new ArrayList<>();
    files = Sources.inScope(files, scope, root, rejections);
    for (Path f : files) {
      try {
        LabeledImage img = parse(f, root, scope, setTags, rejections);
        if (img != null) {
          images.add(img);
        }
      } catch (LabelFormatException e) {
        rejections.add(
            new Rejection(
                Sources.relative(root, f), RejectReason.MALFORMED_ANNOTATION, e.getMessage()));
      }
    }
    return new ReadResult(List.of(), images, rejections);
  }

  /** Image stem → split from {@code ImageSets/Main/{train,val,test}.txt}, when present. */
  static Map<String, String> imageSetTags(Path root) throws IOException {
    Map<String, String> tags = new HashMap<>();
    Path main = root.resolve("ImageSets").resolve("Main");
    for (String split : List.of("train", "val", "test")) {
      Path list = main.resolve(split + ".txt");
      if (Files.isRegularFile(list)) {
        for (String line : Files.readAllLines(list, StandardCharsets.UTF_8)) {
          String id = line.trim().split("\\s+")[0];
          if (!id.isEmpty()) {
            tags.putIfAbsent(id, split);
          }
        }
      }
    }
    return tags;
  }

  /**
   * Parses one VOC file.
   *
   * @param setTags image stem to split, from {@link #imageSetTags} (may be empty)
   * @return null when the size had to come from the image header and could not (then rejected)
   * @throws LabelFormatException located with the XML parser's line and column
   */
  public static LabeledImage parse(
      Path file, Path root, Map<String, String> setTags, List<Rejection> rejections)
      throws IOException {
    return parse(file, root, InputScope.of(root), setTags, rejections);
  }

  /** As {@link #parse(Path, Path, Map, List)}, opening images only inside {@code scope}. */
  public static LabeledImage parse(
      Path file,
      Path root,
      InputScope scope,
      Map<String, String> setTags,
      List<Rejection> rejections)
      throws IOException {
    String display = Sources.relative(root, file);
    Element doc = parseXml(file, display);
    if (!doc.name.equals("annotation")) {
      throw doc.error(display, "", "expected root element <annotation>, got <" + doc.name + ">");
    }
    String filename = doc.requireText(display, "annotation", "filename");
    int width = 0;
    int height = 0;
    Element size = doc.child("size");
    if (size != null) {
      width = size.optionalInt(display, "annotation.size", "width");
      height = size.optionalInt(display, "annotation.size", "height");
    }
    List<BoxAnnotation> boxes = new ArrayList<>();
    int index = 0;
    for (Element obj : doc.children("object")) {
      String path = "annotation.object[" + index + "]";
      String name = obj.requireText(display, path, "name");
      Element bb = obj.child("bndbox");
      if (bb == null) {
        throw obj.error(display, path, "missing <bndbox>");
      }
      String bp = path + ".bndbox";
      boxes.add(
          new BoxAnnotation(
              name,
              bb.requireNumber(display, bp, "xmin"),
              bb.requireNumber(display, bp, "ymin"),
              bb.requireNumber(display, bp, "xmax"),
              bb.requireNumber(display, bp, "ymax")));
      index++;
    }
    Path xmlDir = file.toAbsolutePath().getParent();
    List<Path> candidates = new ArrayList<>();
    if (xmlDir.getParent() != null) {
      candidates.add(xmlDir.getParent().resolve("JPEGImages").resolve(filename));
    }
    candidates.add(xmlDir.resolve(filename));
    candidates.add(root.resolve("JPEGImages").resolve(filename));
    candidates.add(root.resolve(filename));
    Path image = Sources.firstExisting(candidates);
    String sourceId = Sources.relative(root, image);
    if (!Sources.insideOrReject(image, filename, scope, display, rejections)) {
      return null;
    }
    if (width == 0 || height == 0) {
      ImageInfo info = Sources.headerOrReject(image, sourceId, rejections);
      if (info == null) {
        return null;
      }
      width = info.width();
      height = info.height();
    }
    String tag = setTags.get(Sources.stem(filename));
    if (tag == null) {
      tag = Sources.splitTagFromPath(root, file);
    }
    return LabeledImage.detection(sourceId, image, width, height, boxes, tag);
  }

  private static Element parseXml(Path file, String display) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      XMLStreamReader r = XML.createXMLStreamReader(in);
      try {
        Element root = null;
        List<Element> stack = new ArrayList<>();
        while (r.hasNext()) {
          int ev = r.next();
          switch (ev) {
            case XMLStreamConstants.START_ELEMENT -> {
              Location loc = r.getLocation();
              Element e = new Element(r.getLocalName(), loc.getLineNumber(), loc.getColumnNumber());
              if (stack.isEmpty()) {
                root = e;
              } else {
                stack.get(stack.size() - 1).children.add(e);
              }
              stack.add(e);
            }
            case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA -> {
              if (!stack.isEmpty()) {
                stack.get(stack.size() - 1).text.append(r.getText());
              }
            }
            case XMLStreamConstants.ENTITY_REFERENCE -> {
              Location loc = r.getLocation();
              throw new LabelFormatException(
                  display,
                  loc.getLineNumber(),
                  loc.getColumnNumber(),
                  "",
                  "entity reference &"
                      + r.getLocalName()
                      + "; is not allowed (DTDs and entities are disabled)");
            }
            case XMLStreamConstants.DTD -> {
              Location loc = r.getLocation();
              throw new LabelFormatException(
                  display,
                  loc.getLineNumber(),
                  loc.getColumnNumber(),
                  "",
                  "DOCTYPE declarations are not allowed in annotation files");
            }
            case XMLStreamConstants.END_ELEMENT -> stack.remove(stack.size() - 1);
            default -> {
              // comments, processing instructions, whitespace
            }
          }
        }
        if (root == null) {
          throw new LabelFormatException(display, 0, 0, "", "no XML element found");
        }
        return root;
      } finally {
        r.close();
      }
    } catch (XMLStreamException e) {
      Location loc = e.getLocation();
      String msg = e.getMessage();
      // The JDK prefixes "ParseError at [row,col]:[l,c]\nMessage: "; keep only the message.
      int m = msg == null ? -1 : msg.indexOf("Message: ");
      String clean = m >= 0 ? msg.substring(m + "Message: ".length()) : String.valueOf(msg);
      throw new LabelFormatException(
          display,
          loc == null ? 0 : loc.getLineNumber(),
          loc == null ? 0 : loc.getColumnNumber(),
          "",
          "invalid XML: " + clean.trim());
    }
  }

  /** A minimal element tree with start locations, enough to report errors where they are. */
  private static final class Element {
    final String name;
    final int line;
    final int col;
    final List<Element> children = new ArrayList<>();
    final StringBuilder text = new StringBuilder();

    Element(String name, int line, int col) {
      this.name = name;
      this.line = line;
      this.col = col;
    }

    Element child(String n) {
      for (Element c : children) {
        if (c.name.equals(n)) {
          return c;
        }
      }
      return null;
    }

    List<Element> children(String n) {
      return children.stream().filter(c -> c.name.equals(n)).toList();
    }

    LabelFormatException error(String file, String path, String problem) {
      return new LabelFormatException(file, line, col, path, problem);
    }

    String requireText(String file, String path, String childName) {
      Element c = child(childName);
      if (c == null) {
        throw error(file, path, "missing <" + childName + ">");
      }
      String t = c.text.toString().trim();
      if (t.isEmpty()) {
        throw c.error(file, path + "." + childName, "empty <" + childName + ">");
      }
      return t;
    }

    double requireNumber(String file, String path, String childName) {
      String t = requireText(file, path, childName);
      try {
        double v = Double.parseDouble(t);
        if (Double.isFinite(v)) {
          return v;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw child(childName)
          .error(file, path + "." + childName, "expected a number, got \"" + t + "\"");
    }

    int optionalInt(String file, String path, String childName) {
      Element c = child(childName);
      if (c == null || c.text.toString().isBlank()) {
        return 0;
      }
      String t = c.text.toString().trim();
      try {
        int v = (int) Math.round(Double.parseDouble(t));
        if (v >= 0) {
          return v;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw c.error(
          file, path + "." + childName, "expected a non-negative integer, got \"" + t + "\"");
    }
  }
}
