package dev.kiln.steps.recordio;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * RecordIO bytes built by hand from the specification (dmlc-core recordio.h, MXNet recordio.py),
 * independent of Kiln's writer and reader: tests build golden files and parse output with it.
 */
public final class SpecBytes {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  public static SpecBytes start() {
    return new SpecBytes();
  }

  /** A little-endian uint32. */
  public SpecBytes u32(long v) {
    out.write((int) (v & 0xFF));
    out.write((int) (v >>> 8 & 0xFF));
    out.write((int) (v >>> 16 & 0xFF));
    out.write((int) (v >>> 24 & 0xFF));
    return this;
  }

  public SpecBytes u64(long v) {
    return u32(v & 0xFFFFFFFFL).u32(v >>> 32);
  }

  public SpecBytes f32(float v) {
    return u32(Float.floatToRawIntBits(v) & 0xFFFFFFFFL);
  }

  public SpecBytes bytes(byte[] b) {
    out.write(b, 0, b.length);
    return this;
  }

  /** Hex pairs such as {@code "0a 23 d7 ce"}. */
  public SpecBytes hex(String hex) {
    for (String h : hex.trim().split("\\s+")) {
      out.write(Integer.parseInt(h, 16));
    }
    return this;
  }

  /** One part: magic, lrec = cflag << 29 | length, the data, zeros to a multiple of 4. */
  public SpecBytes part(int cflag, byte[] data) {
    u32(0xced7230aL).u32(((long) cflag << 29) | data.length).bytes(data);
    for (int i = data.length; i % 4 != 0; i++) {
      out.write(0);
    }
    return this;
  }

  /** A whole record in one part (cflag 0); the payload must not hold the magic when aligned. */
  public SpecBytes record(byte[] payload) {
    return part(0, payload);
  }

  public int size() {
    return out.size();
  }

  public byte[] toBytes() {
    return out.toByteArray();
  }

  /** {@code pack(IRHeader(flag, label, id, id2))} then the label array and the image. */
  public static byte[] imageRecord(long flag, float label, long id, float[] labels, byte[] image) {
    return start().u32(flag).f32(label).u64(id).u64(0).floats(labels).bytes(image).toBytes();
  }

  public SpecBytes floats(float[] v) {
    for (float f : v) {
      f32(f);
    }
    return this;
  }

  /** A parsed record: its offset and payload with parts joined and the magic put back. */
  public record Parsed(long offset, byte[] payload) {}

  /** Parses a whole file by the specification; throws on any framing error. */
  public static List<Parsed> parse(byte[] file) {
    List<Parsed> out = new ArrayList<>();
    int pos = 0;
    while (pos < file.length) {
      int start = pos;
      ByteArrayOutputStream payload = new ByteArrayOutputStream();
      while (true) {
        long magic = le32(file, pos);
        if (magic != 0xced7230aL) {
          throw new IllegalStateException("bad magic at " + pos);
        }
        long lrec = le32(file, pos + 4);
        int cflag = (int) (lrec >>> 29);
        int len = (int) (lrec & ((1 << 29) - 1));
        payload.write(file, pos + 8, len);
        pos += 8 + ((len + 3) / 4) * 4;
        if (cflag == 0 || cflag == 3) {
          break;
        }
        payload.write(0x0a);
        payload.write(0x23);
        payload.write(0xd7);
        payload.write(0xce);
      }
      out.add(new Parsed(start, payload.toByteArray()));
    }
    return out;
  }

  public static long le32(byte[] b, int at) {
    return (b[at] & 0xFFL)
        | (b[at + 1] & 0xFFL) << 8
        | (b[at + 2] & 0xFFL) << 16
        | (b[at + 3] & 0xFFL) << 24;
  }

  public static long le64(byte[] b, int at) {
    return le32(b, at) | le32(b, at + 4) << 32;
  }

  public static float f32(byte[] b, int at) {
    return Float.intBitsToFloat((int) le32(b, at));
  }

  /** The image bytes of an image record (after header and labels). */
  public static byte[] image(byte[] payload) {
    int flag = (int) le32(payload, 0);
    return Arrays.copyOfRange(payload, 24 + 4 * flag, payload.length);
  }

  /** The label array of an image record, or the scalar label when flag is 0. */
  public static float[] labels(byte[] payload) {
    int flag = (int) le32(payload, 0);
    if (flag == 0) {
      return new float[] {f32(payload, 4)};
    }
    float[] l = new float[flag];
    for (int i = 0; i < flag; i++) {
      l[i] = f32(payload, 24 + 4 * i);
    }
    return l;
  }
}
