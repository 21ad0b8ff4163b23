package dev.kiln.compat.valohai.yaml;

import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.Reader;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;

/**
 * A {@link YAMLFactory} whose parser also tells whether the current scalar was plain (unquoted):
 * Jackson resolves scalars by its own rules, but we must resolve them as PyYAML does, which needs
 * the scalar style.
 */
final class LocatingYamlFactory extends YAMLFactory {
  private static final long serialVersionUID = 1L;

  LocatingYamlFactory(LoaderOptions options) {
    super(YAMLFactory.builder().loaderOptions(options));
  }

  @Override
  protected YAMLParser _createParser(Reader r, IOContext ctxt) {
    return new LocatingParser(
        ctxt, _parserFeatures, _yamlParserFeatures, _loaderOptions, _objectCodec, r);
  }

  /** The parser with access to the last SnakeYAML event. */
  static final class LocatingParser extends YAMLParser {
    LocatingParser(
        IOContext ctxt,
        int parserFeatures,
        int formatFeatures,
        LoaderOptions options,
        ObjectCodec codec,
        Reader reader) {
      super(ctxt, parserFeatures, formatFeatures, options, codec, reader);
    }

    /** The anchor ({@code &name}) on the current value, or null. */
    String currentAnchor() {
      return _lastEvent instanceof NodeEvent n ? n.getAnchor() : null;
    }

    /** True when the current token is a scalar written without quotes or block style. */
    boolean currentScalarIsPlain() {
      Event e = _lastEvent;
      if (e instanceof ScalarEvent s) {
        if (s.getTag() != null && !s.getTag().equals("!")) {
          // An explicit tag such as !!str: take the text literally unless it asks for a type.
          return !s.getTag().endsWith(":str");
        }
        return s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN;
      }
      return true;
    }
  }
}
