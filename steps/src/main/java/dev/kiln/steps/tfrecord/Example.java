package dev.kiln.steps.tfrecord;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A {@code tf.train.Example}: named features. Keys are kept sorted by their UTF-8 bytes, the order
 * protobuf's deterministic serialization uses for string map keys, so equal examples always encode
 * to equal bytes.
 */
public record Example(NavigableMap<String, Feature> features) implements Serializable {
  /** Unsigned byte-wise order of the UTF-8 encodings, as in protobuf's C++ map sorting. */
  public static final Comparator<String> KEY_ORDER = new Utf8Order();

  /** A named, serializable comparator, so that an {@code Example} can be Java-serialized. */
  private static final class Utf8Order implements Comparator<String>, Serializable {
    @Override
    public int compare(String a, String b) {
      return Arrays.compareUnsigned(
          a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private Object readResolve() {
      return KEY_ORDER;
    }
  }

  public Example {
    TreeMap<String, Feature> copy = new TreeMap<>(KEY_ORDER);
    for (Map.Entry<String, Feature> e : features.entrySet()) {
      copy.put(Objects.requireNonNull(e.getKey(), "key"), Objects.requireNonNull(e.getValue()));
    }
    features = Collections.unmodifiableNavigableMap(copy);
  }

  /** Builds an example from any map; the order of the given map does not matter. */
  public static Example of(Map<String, Feature> features) {
    TreeMap<String, Feature> m = new TreeMap<>(KEY_ORDER);
    m.putAll(features);
    return new Example(m);
  }

  /** The feature with this key. */
  public Feature get(String key) {
    Feature f = features.get(key);
    if (f == null) {
      throw new IllegalArgumentException(
          "no feature \"" + key + "\" (has " + features.keySet() + ")");
    }
    return f;
  }

  /** The bytes_list feature with this key. */
  public Feature.BytesList bytes(String key) {
    return as(key, Feature.BytesList.class);
  }

  /** The float_list feature with this key. */
  public Feature.FloatList floats(String key) {
    return as(key, Feature.FloatList.class);
  }

  /** The int64_list feature with this key. */
  public Feature.Int64List int64s(String key) {
    return as(key, Feature.Int64List.class);
  }

  private <T extends Feature> T as(String key, Class<T> type) {
    Feature f = get(key);
    if (!type.isInstance(f)) {
      throw new IllegalArgumentException(
          "feature \""
              + key
              + "\" is a "
              + f.getClass().getSimpleName()
              + ", not a "
              + type.getSimpleName());
    }
    return type.cast(f);
  }
}
