package dev.kiln.steps.tfrecord;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * One value of a {@code tf.train.Feature}: the protobuf {@code oneof kind} as a closed set. Arrays
 * are copied in and out so a feature cannot change after it is built.
 */
public sealed interface Feature extends Serializable
    permits Feature.BytesList, Feature.FloatList, Feature.Int64List {

  /** Number of values. */
  int size();

  /** {@code bytes_list}: raw bytes, e.g. an encoded image or UTF-8 text. */
  record BytesList(List<byte[]> values) implements Feature {
    public BytesList {
      List<byte[]> copy = new ArrayList<>(values.size());
      for (byte[] v : values) {
        copy.add(v.clone());
      }
      values = Collections.unmodifiableList(copy);
    }

    /** Values as UTF-8 strings. */
    public static BytesList ofStrings(List<String> strings) {
      List<byte[]> b = new ArrayList<>(strings.size());
      for (String s : strings) {
        b.add(s.getBytes(StandardCharsets.UTF_8));
      }
      return new BytesList(b);
    }

    /** A single value. */
    public static BytesList of(byte[] value) {
      return new BytesList(List.of(value));
    }

    /** A single UTF-8 string. */
    public static BytesList ofString(String value) {
      return of(value.getBytes(StandardCharsets.UTF_8));
    }

    /** The i-th value (a copy). */
    public byte[] get(int i) {
      return values.get(i).clone();
    }

    /** The i-th value decoded as UTF-8. */
    public String string(int i) {
      return new String(values.get(i), StandardCharsets.UTF_8);
    }

    @Override
    public List<byte[]> values() {
      List<byte[]> copy = new ArrayList<>(values.size());
      for (byte[] v : values) {
        copy.add(v.clone());
      }
      return copy;
    }

    /** Values without copying, for the encoder. */
    List<byte[]> rawValues() {
      return values;
    }

    @Override
    public int size() {
      return values.size();
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof BytesList other) || other.values.size() != values.size()) {
        return false;
      }
      for (int i = 0; i < values.size(); i++) {
        if (!Arrays.equals(values.get(i), other.values.get(i))) {
          return false;
        }
      }
      return true;
    }

    @Override
    public int hashCode() {
      int h = 1;
      for (byte[] v : values) {
        h = 31 * h + Arrays.hashCode(v);
      }
      return h;
    }

    @Override
    public String toString() {
      List<String> shown = new ArrayList<>();
      for (byte[] v : values) {
        shown.add(
            v.length > 64 ? "<" + v.length + " bytes>" : new String(v, StandardCharsets.UTF_8));
      }
      return "BytesList" + shown;
    }
  }

  /** {@code float_list}: 32-bit floats (written packed). */
  record FloatList(float[] values) implements Feature {
    public FloatList {
      values = values.clone();
    }

    public static FloatList of(float... values) {
      return new FloatList(values);
    }

    @Override
    public float[] values() {
      return values.clone();
    }

    float[] rawValues() {
      return values;
    }

    @Override
    public int size() {
      return values.length;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof FloatList other && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
      return "FloatList" + Arrays.toString(values);
    }
  }

  /** {@code int64_list}: 64-bit integers (written packed, as varints). */
  record Int64List(long[] values) implements Feature {
    public Int64List {
      values = values.clone();
    }

    public static Int64List of(long... values) {
      return new Int64List(values);
    }

    @Override
    public long[] values() {
      return values.clone();
    }

    long[] rawValues() {
      return values;
    }

    @Override
    public int size() {
      return values.length;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Int64List other && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
      return "Int64List" + Arrays.toString(values);
    }
  }
}
