package dev.kiln.steps.tfrecord;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Encodes and decodes {@code tf.train.Example} in protobuf wire format, by hand, so that Kiln needs
 * neither protobuf nor TensorFlow to write training data.
 *
 * <pre>
 * message Example  { Features features = 1; }
 * message Features { map&lt;string, Feature&gt; feature = 1; }   // entry: key = 1, value = 2
 * message Feature  { oneof kind { BytesList bytes_list = 1; FloatList float_list = 2;
 *                                 Int64List int64_list = 3; } }
 * message BytesList { repeated bytes value = 1; }
 * message FloatList { repeated float value = 1 [packed = true]; }
 * message Int64List { repeated int64 value = 1 [packed = true]; }
 * </pre>
 *
 * <p>Output is deterministic: map entries in {@link Example#KEY_ORDER} (sorted by key), packed
 * numeric lists, empty packed fields omitted and empty messages written as a zero-length field, as
 * protobuf's own serializer with deterministic map order does. The decoder also accepts unpacked
 * numbers and skips unknown fields, as protobuf parsers must.
 */
public final class ExampleCodec {
  private static final int WT_VARINT = 0;
  private static final int WT_FIXED64 = 1;
  private static final int WT_LEN = 2;
  private static final int WT_FIXED32 = 5;

  private ExampleCodec() {}

  /** Serializes an example. */
  public static byte[] encode(Example example) {
    // Sizes first, so that every length prefix is known before writing: one pass, one array.
    Map<String, Feature> features = example.features();
    int featuresSize = 0;
    List<byte[]> keys = new ArrayList<>(features.size());
    int[] featureSizes = new int[features.size()];
    int[] entrySizes = new int[features.size()];
    int i = 0;
    for (Map.Entry<String, Feature> e : features.entrySet()) {
      byte[] key = e.getKey().getBytes(StandardCharsets.UTF_8);
      keys.add(key);
      int fs = featureSize(e.getValue());
      featureSizes[i] = fs;
      int entry = 1 + varintSize(key.length) + key.length + 1 + varintSize(fs) + fs;
      entrySizes[i] = entry;
      featuresSize += 1 + varintSize(entry) + entry;
      i++;
    }
    int total = 1 + varintSize(featuresSize) + featuresSize;
    Out out = new Out(total);
    out.tag(1, WT_LEN);
    out.varint(featuresSize);
    i = 0;
    for (Map.Entry<String, Feature> e : features.entrySet()) {
      byte[] key = keys.get(i);
      out.tag(1, WT_LEN);
      out.varint(entrySizes[i]);
      out.tag(1, WT_LEN);
      out.varint(key.length);
      out.bytes(key);
      out.tag(2, WT_LEN);
      out.varint(featureSizes[i]);
      writeFeature(out, e.getValue());
      i++;
    }
    if (out.pos != total) {
      throw new IllegalStateException("size mismatch: " + out.pos + " != " + total);
    }
    return out.buf;
  }

  private static int featureSize(Feature f) {
    int inner = listSize(f);
    return 1 + varintSize(inner) + inner;
  }

  private static int listSize(Feature f) {
    if (f instanceof Feature.BytesList b) {
      int s = 0;
      for (byte[] v : b.rawValues()) {
        s += 1 + varintSize(v.length) + v.length;
      }
      return s;
    } else if (f instanceof Feature.FloatList fl) {
      int n = fl.rawValues().length * 4;
      return n == 0 ? 0 : 1 + varintSize(n) + n;
    } else {
      int n = packedInt64Size(((Feature.Int64List) f).rawValues());
      return n == 0 ? 0 : 1 + varintSize(n) + n;
    }
  }

  private static int packedInt64Size(long[] values) {
    int n = 0;
    for (long v : values) {
      n += varintSize(v);
    }
    return n;
  }

  private static void writeFeature(Out out, Feature f) {
    int inner = listSize(f);
    if (f instanceof Feature.BytesList b) {
      out.tag(1, WT_LEN);
      out.varint(inner);
      for (byte[] v : b.rawValues()) {
        out.tag(1, WT_LEN);
        out.varint(v.length);
        out.bytes(v);
      }
    } else if (f instanceof Feature.FloatList fl) {
      out.tag(2, WT_LEN);
      out.varint(inner);
      float[] values = fl.rawValues();
      if (values.length > 0) {
        out.tag(1, WT_LEN);
        out.varint(values.length * 4);
        for (float v : values) {
          out.fixed32(Float.floatToRawIntBits(v));
        }
      }
    } else {
      long[] values = ((Feature.Int64List) f).rawValues();
      out.tag(3, WT_LEN);
      out.varint(inner);
      if (values.length > 0) {
        out.tag(1, WT_LEN);
        out.varint(packedInt64Size(values));
        for (long v : values) {
          out.varint(v);
        }
      }
    }
  }

  static int varintSize(long v) {
    int n = 1;
    while ((v & ~0x7FL) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  private static final class Out {
    final byte[] buf;
    int pos;

    Out(int size) {
      buf = new byte[size];
    }

    void tag(int field, int wireType) {
      buf[pos++] = (byte) ((field << 3) | wireType);
    }

    void varint(long v) {
      while ((v & ~0x7FL) != 0) {
        buf[pos++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[pos++] = (byte) v;
    }

    void fixed32(int v) {
      buf[pos++] = (byte) v;
      buf[pos++] = (byte) (v >>> 8);
      buf[pos++] = (byte) (v >>> 16);
      buf[pos++] = (byte) (v >>> 24);
    }

    void bytes(byte[] b) {
      System.arraycopy(b, 0, buf, pos, b.length);
      pos += b.length;
    }
  }

  /** Parses a serialized example. */
  public static Example decode(byte[] data) {
    In in = new In(data, 0, data.length, "Example");
    TreeMap<String, Feature> features = new TreeMap<>(Example.KEY_ORDER);
    while (in.more()) {
      long tag = in.varint();
      if (tag >>> 3 == 1 && (tag & 7) == WT_LEN) {
        In fin = in.sub("Example.features");
        while (fin.more()) {
          long ftag = fin.varint();
          if (ftag >>> 3 == 1 && (ftag & 7) == WT_LEN) {
            decodeEntry(fin.sub("Features.feature"), features);
          } else {
            fin.skip(ftag);
          }
        }
      } else {
        in.skip(tag);
      }
    }
    return new Example(features);
  }

  private static void decodeEntry(In in, Map<String, Feature> into) {
    String key = "";
    Feature value = null;
    while (in.more()) {
      long tag = in.varint();
      int field = (int) (tag >>> 3);
      if (field == 1 && (tag & 7) == WT_LEN) {
        key = in.sub("map key").utf8();
      } else if (field == 2 && (tag & 7) == WT_LEN) {
        value = decodeFeature(in.sub("map value"), key);
      } else {
        in.skip(tag);
      }
    }
    if (value == null) {
      throw new InvalidExampleException(
          "feature \"" + key + "\" has no value (none of bytes_list, float_list, int64_list)");
    }
    into.put(key, value);
  }

  private static Feature decodeFeature(In in, String key) {
    Feature result = null;
    while (in.more()) {
      long tag = in.varint();
      int field = (int) (tag >>> 3);
      if ((tag & 7) != WT_LEN || field < 1 || field > 3) {
        in.skip(tag);
        continue;
      }
      In list = in.sub("feature \"" + key + "\"");
      switch (field) {
        case 1 -> {
          List<byte[]> values = new ArrayList<>();
          while (list.more()) {
            long t = list.varint();
            if (t == ((1 << 3) | WT_LEN)) {
              values.add(list.sub("bytes value").rest());
            } else {
              list.skip(t);
            }
          }
          result = new Feature.BytesList(values);
        }
        case 2 -> {
          FloatBuf values = new FloatBuf();
          while (list.more()) {
            long t = list.varint();
            if (t == ((1 << 3) | WT_LEN)) {
              In packed = list.sub("packed floats");
              while (packed.more()) {
                values.add(Float.intBitsToFloat(packed.fixed32()));
              }
            } else if (t == ((1 << 3) | WT_FIXED32)) {
              values.add(Float.intBitsToFloat(list.fixed32()));
            } else {
              list.skip(t);
            }
          }
          result = new Feature.FloatList(values.toArray());
        }
        default -> {
          LongBuf values = new LongBuf();
          while (list.more()) {
            long t = list.varint();
            if (t == ((1 << 3) | WT_LEN)) {
              In packed = list.sub("packed int64");
              while (packed.more()) {
                values.add(packed.varint());
              }
            } else if (t == ((1 << 3) | WT_VARINT)) {
              values.add(list.varint());
            } else {
              list.skip(t);
            }
          }
          result = new Feature.Int64List(values.toArray());
        }
      }
    }
    return result;
  }

  private static final class FloatBuf {
    float[] a = new float[8];
    int n;

    void add(float v) {
      if (n == a.length) {
        a = java.util.Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    float[] toArray() {
      return java.util.Arrays.copyOf(a, n);
    }
  }

  private static final class LongBuf {
    long[] a = new long[8];
    int n;

    void add(long v) {
      if (n == a.length) {
        a = java.util.Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    long[] toArray() {
      return java.util.Arrays.copyOf(a, n);
    }
  }

  private static final class In {
    final byte[] b;
    int pos;
    final int end;
    final String what;

    In(byte[] b, int pos, int end, String what) {
      this.b = b;
      this.pos = pos;
      this.end = end;
      this.what = what;
    }

    boolean more() {
      return pos < end;
    }

    InvalidExampleException bad(String problem) {
      return new InvalidExampleException(
          "invalid tf.Example at byte " + pos + " (in " + what + "): " + problem);
    }

    long varint() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= end) {
          throw bad("truncated varint");
        }
        byte x = b[pos++];
        v |= (long) (x & 0x7F) << shift;
        if ((x & 0x80) == 0) {
          return v;
        }
      }
      throw bad("varint longer than 10 bytes");
    }

    int fixed32() {
      if (end - pos < 4) {
        throw bad("truncated fixed32");
      }
      int v =
          (b[pos] & 0xff)
              | (b[pos + 1] & 0xff) << 8
              | (b[pos + 2] & 0xff) << 16
              | (b[pos + 3] & 0xff) << 24;
      pos += 4;
      return v;
    }

    In sub(String name) {
      long len = varint();
      if (len < 0 || len > end - pos) {
        throw bad(
            "length "
                + len
                + " of "
                + name
                + " runs past the end ("
                + (end - pos)
                + " bytes left)");
      }
      In s = new In(b, pos, pos + (int) len, name);
      pos += (int) len;
      return s;
    }

    byte[] rest() {
      byte[] r = java.util.Arrays.copyOfRange(b, pos, end);
      pos = end;
      return r;
    }

    String utf8() {
      String s = new String(b, pos, end - pos, StandardCharsets.UTF_8);
      pos = end;
      return s;
    }

    void skip(long tag) {
      switch ((int) (tag & 7)) {
        case WT_VARINT -> varint();
        case WT_FIXED64 -> advance(8);
        case WT_LEN -> sub("unknown field " + (tag >>> 3));
        case WT_FIXED32 -> advance(4);
        default -> throw bad("unsupported wire type " + (tag & 7) + " for field " + (tag >>> 3));
      }
    }

    void advance(int n) {
      if (end - pos < n) {
        throw bad("truncated field");
      }
      pos += n;
    }
  }
}
