package dev.kiln.lineage.web;

import java.util.Locale;
import java.util.Map;

/**
 * The content type an artifact is served with, from its file name. Only images and plain text are
 * shown in the page; everything else (HTML and SVG included, which could run script in the
 * viewer's origin) is sent as a download.
 */
final class ContentTypes {
  private static final Map<String, String> INLINE =
      Map.ofEntries(
          Map.entry("png", "image/png"),
          Map.entry("jpg", "image/jpeg"),
          Map.entry("jpeg", "image/jpeg"),
          Map.entry("gif", "image/gif"),
          Map.entry("webp", "image/webp"),
          Map.entry("bmp", "image/bmp"),
          Map.entry("txt", "text/plain; charset=utf-8"),
          Map.entry("log", "text/plain; charset=utf-8"),
          Map.entry("csv", "text/plain; charset=utf-8"),
          Map.entry("json", "text/plain; charset=utf-8"),
          Map.entry("jsonl", "text/plain; charset=utf-8"),
          Map.entry("yaml", "text/plain; charset=utf-8"),
          Map.entry("yml", "text/plain; charset=utf-8"));

  private ContentTypes() {}

  /** The inline type for a previewable file, or null when it must be downloaded. */
  static String inlineType(String fileName) {
    int dot = fileName.lastIndexOf('.');
    if (dot < 0 || dot == fileName.length() - 1) {
      return null;
    }
    return INLINE.get(fileName.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  static boolean isImage(String fileName) {
    String type = inlineType(fileName);
    return type != null && type.startsWith("image/");
  }
}
