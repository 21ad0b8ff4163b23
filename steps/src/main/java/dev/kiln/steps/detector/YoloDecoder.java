package dev.kiln.steps.detector;

import ai.djl.ndarray.NDList;
import dev.kiln.steps.detector.DarknetCfg.Yolo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns raw head outputs into boxes: sigmoid centre offsets plus the cell, anchor times
 * exponential size, score = objectness x class probability; then per-class non-maximum
 * suppression and the best {@code maxDetections} per image.
 */
public final class YoloDecoder {
  private final DarknetCfg cfg;
  private final float scoreThreshold;
  private final float iouThreshold;
  private final int maxDetections;

  public YoloDecoder(DarknetCfg cfg, float scoreThreshold, float iouThreshold, int maxDetections) {
    this.cfg = cfg;
    this.scoreThreshold = scoreThreshold;
    this.iouThreshold = iouThreshold;
    this.maxDetections = maxDetections;
  }

  /** Detections of each image of the batch, best first. */
  public List<List<Detection>> decode(NDList heads) {
    int n = (int) heads.get(0).getShape().get(0);
    List<List<Detection>> candidates = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      candidates.add(new ArrayList<>());
    }
    List<Yolo> yolos = cfg.heads();
    for (int h = 0; h < heads.size(); h++) {
      float[] raw = heads.get(h).toFloatArray();
      int gridH = (int) heads.get(h).getShape().get(2);
      int gridW = (int) heads.get(h).getShape().get(3);
      Yolo yolo = yolos.get(h);
      List<float[]> anchors = yolo.maskedAnchors();
      int a = anchors.size();
      int c = yolo.classes();
      int per = 5 + c;
      int plane = gridH * gridW;
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < a; k++) {
          int base = (i * a + k) * per * plane;
          for (int y = 0; y < gridH; y++) {
            for (int x = 0; x < gridW; x++) {
              int off = base + y * gridW + x;
              float obj = YoloLoss.sigmoid(raw[off + 4 * plane]);
              if (obj < scoreThreshold) {
                continue;
              }
              float bx = (YoloLoss.sigmoid(raw[off]) + x) / gridW;
              float by = (YoloLoss.sigmoid(raw[off + plane]) + y) / gridH;
              float bw = (float) (anchors.get(k)[0] * Math.exp(Math.min(raw[off + 2 * plane], 8f)))
                  / cfg.width();
              float bh = (float) (anchors.get(k)[1] * Math.exp(Math.min(raw[off + 3 * plane], 8f)))
                  / cfg.height();
              for (int cl = 0; cl < c; cl++) {
                float score = obj * YoloLoss.sigmoid(raw[off + (5 + cl) * plane]);
                if (score >= scoreThreshold) {
                  candidates.get(i).add(new Detection(cl, score, clip(by - bh / 2),
                      clip(bx - bw / 2), clip(by + bh / 2), clip(bx + bw / 2)));
                }
              }
            }
          }
        }
      }
    }
    List<List<Detection>> out = new ArrayList<>();
    for (List<Detection> c : candidates) {
      out.add(nms(c, iouThreshold, maxDetections));
    }
    return out;
  }

  private static float clip(float v) {
    return Math.max(0f, Math.min(1f, v));
  }

  /**
   * Per-class greedy non-maximum suppression: a box is dropped when a better-scored box of its
   * class overlaps it by more than {@code iouThreshold}. Returns at most {@code max}, best first.
   */
  public static List<Detection> nms(List<Detection> candidates, float iouThreshold, int max) {
    List<Detection> sorted = new ArrayList<>(candidates);
    sorted.sort(Comparator.comparingDouble((Detection d) -> d.score()).reversed());
    if (sorted.size() > 4000) {
      sorted = new ArrayList<>(sorted.subList(0, 4000));
    }
    List<Detection> kept = new ArrayList<>();
    for (Detection d : sorted) {
      boolean keep = true;
      for (Detection k : kept) {
        if (k.classId() == d.classId() && k.iou(d) > iouThreshold) {
          keep = false;
          break;
        }
      }
      if (keep) {
        kept.add(d);
        if (kept.size() == max) {
          break;
        }
      }
    }
    return List.copyOf(kept);
  }
}
