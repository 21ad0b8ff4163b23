package dev.kiln.steps.detector;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.kiln.steps.detector.DarknetCfg.Yolo;
import java.util.List;

/**
 * The YOLOv3 loss: each ground-truth box is given to the one anchor (over all heads) whose shape
 * fits it best by width/height IoU, in the grid cell that holds its centre. The responsible slot
 * learns its box (binary cross-entropy on the centre offset, squared error on the log size,
 * weighted by {@code 2 - w * h} so small boxes count more), objectness 1 and its class; every
 * other slot learns objectness 0, except slots whose current prediction already overlaps some
 * ground truth by more than {@link #IGNORE_IOU}, which are left alone as in Darknet.
 *
 * <p>Target assignment is a few hundred comparisons per image and runs in Java on the CPU; the
 * loss itself is NDArray operations, so gradients flow on whatever device the network runs on.
 */
public final class YoloLoss {
  /** Predictions overlapping a ground truth this much are not punished for objectness. */
  public static final float IGNORE_IOU = 0.5f;

  private final DarknetCfg cfg;

  public YoloLoss(DarknetCfg cfg) {
    this.cfg = cfg;
  }

  /** The targets of one head for a batch, flat in {@code [N, A, H, W]} (class: [N, A, C, H, W]). */
  public record HeadTargets(
      int n,
      int anchors,
      int classes,
      int height,
      int width,
      float[] object,
      float[] noObject,
      float[] tx,
      float[] ty,
      float[] tw,
      float[] th,
      float[] scale,
      float[] cls) {
    int slot(int image, int anchor, int y, int x) {
      return ((image * anchors + anchor) * height + y) * width + x;
    }

    /** Number of slots given a ground truth. */
    public int positives() {
      int p = 0;
      for (float o : object) {
        p += o > 0 ? 1 : 0;
      }
      return p;
    }
  }

  /** The loss of a batch and its parts (for logging), all divided by the batch size. */
  public record Result(NDArray total, float box, float objectness, float classes) {}

  /**
   * Assigns the batch's boxes to head {@code head}.
   *
   * @param raw the head's output as a flat array in {@code [N, A, 5 + C, H, W]} order, for the
   *     ignore rule; null to ignore nothing
   */
  public HeadTargets assign(int head, List<List<Box>> batch, int gridH, int gridW, float[] raw) {
    List<Yolo> heads = cfg.heads();
    Yolo yolo = heads.get(head);
    int a = yolo.mask().size();
    int c = yolo.classes();
    int n = batch.size();
    int slots = n * a * gridH * gridW;
    HeadTargets t =
        new HeadTargets(n, a, c, gridH, gridW, new float[slots], new float[slots],
            new float[slots], new float[slots], new float[slots], new float[slots],
            new float[slots], new float[slots * c]);
    java.util.Arrays.fill(t.noObject(), 1f);
    float inW = cfg.width();
    float inH = cfg.height();
    List<float[]> all = yolo.anchors();
    if (raw != null) {
      ignoreOverlapping(t, yolo, batch, raw);
    }
    for (int i = 0; i < n; i++) {
      for (Box b : batch.get(i)) {
        float gw = b.width() * inW;
        float gh = b.height() * inH;
        if (gw <= 0 || gh <= 0) {
          continue;
        }
        int best = bestAnchor(heads, gw, gh);
        int k = yolo.mask().indexOf(best);
        if (k < 0) {
          continue;
        }
        float cx = (b.xmin() + b.xmax()) / 2 * gridW;
        float cy = (b.ymin() + b.ymax()) / 2 * gridH;
        int gx = Math.min(gridW - 1, Math.max(0, (int) cx));
        int gy = Math.min(gridH - 1, Math.max(0, (int) cy));
        int s = t.slot(i, k, gy, gx);
        t.object()[s] = 1;
        t.noObject()[s] = 0;
        t.tx()[s] = cx - gx;
        t.ty()[s] = cy - gy;
        float[] anchor = all.get(best);
        t.tw()[s] = (float) Math.log(gw / anchor[0]);
        t.th()[s] = (float) Math.log(gh / anchor[1]);
        t.scale()[s] = 2 - b.width() * b.height();
        int plane = gridH * gridW;
        int base = (i * a + k) * c * plane + gy * gridW + gx;
        for (int cl = 0; cl < c; cl++) {
          t.cls()[base + cl * plane] = cl == b.label() ? 1 : 0;
        }
      }
    }
    return t;
  }

  /** The index (into the anchors list) of the anchor whose shape best fits w x h pixels. */
  static int bestAnchor(List<Yolo> heads, float gw, float gh) {
    List<float[]> anchors = heads.get(0).anchors();
    int best = 0;
    float bestIou = -1;
    for (int j = 0; j < anchors.size(); j++) {
      float aw = anchors.get(j)[0];
      float ah = anchors.get(j)[1];
      float inter = Math.min(gw, aw) * Math.min(gh, ah);
      float iou = inter / (gw * gh + aw * ah - inter);
      if (iou > bestIou) {
        bestIou = iou;
        best = j;
      }
    }
    return best;
  }

  private void ignoreOverlapping(HeadTargets t, Yolo yolo, List<List<Box>> batch, float[] raw) {
    int a = t.anchors();
    int per = 5 + t.classes();
    int plane = t.height() * t.width();
    List<float[]> anchors = yolo.maskedAnchors();
    for (int i = 0; i < t.n(); i++) {
      List<Box> boxes = batch.get(i);
      if (boxes.isEmpty()) {
        continue;
      }
      for (int k = 0; k < a; k++) {
        int base = (i * a + k) * per * plane;
        for (int y = 0; y < t.height(); y++) {
          for (int x = 0; x < t.width(); x++) {
            int off = base + y * t.width() + x;
            float bx = (sigmoid(raw[off]) + x) / t.width();
            float by = (sigmoid(raw[off + plane]) + y) / t.height();
            float bw = (float) (anchors.get(k)[0] * Math.exp(Math.min(raw[off + 2 * plane], 8f)))
                / cfg.width();
            float bh = (float) (anchors.get(k)[1] * Math.exp(Math.min(raw[off + 3 * plane], 8f)))
                / cfg.height();
            for (Box b : boxes) {
              float iou = Box.iou(bx - bw / 2, by - bh / 2, bx + bw / 2, by + bh / 2,
                  b.xmin(), b.ymin(), b.xmax(), b.ymax());
              if (iou > IGNORE_IOU) {
                t.noObject()[t.slot(i, k, y, x)] = 0;
                break;
              }
            }
          }
        }
      }
    }
  }

  static float sigmoid(float v) {
    return (float) (1 / (1 + Math.exp(-v)));
  }

  /** The loss of network outputs {@code heads} for the batch's ground truth. */
  public Result compute(NDList heads, List<List<Box>> batch) {
    NDArray total = null;
    float box = 0;
    float obj = 0;
    float cls = 0;
    int n = batch.size();
    for (int h = 0; h < heads.size(); h++) {
      NDArray out = heads.get(h);
      Shape s = out.getShape();
      int gridH = (int) s.get(2);
      int gridW = (int) s.get(3);
      HeadTargets t = assign(h, batch, gridH, gridW, out.toFloatArray());
      NDManager m = out.getManager();
      int a = t.anchors();
      int c = t.classes();
      NDArray p = out.reshape(n, a, 5 + c, gridH, gridW);
      Shape grid = new Shape(n, a, gridH, gridW);
      NDArray object = m.create(t.object(), grid);
      NDArray noObject = m.create(t.noObject(), grid);
      NDArray weight = m.create(t.scale(), grid).mul(object);
      NDArray xy =
          bce(p.get(":, :, 0"), m.create(t.tx(), grid))
              .add(bce(p.get(":, :, 1"), m.create(t.ty(), grid)))
              .mul(weight)
              .sum();
      NDArray wh =
          p.get(":, :, 2").sub(m.create(t.tw(), grid)).square()
              .add(p.get(":, :, 3").sub(m.create(t.th(), grid)).square())
              .mul(weight)
              .mul(0.5f)
              .sum();
      NDArray objLoss = bce(p.get(":, :, 4"), object).mul(object.add(noObject)).sum();
      NDArray clsLoss =
          bce(p.get(":, :, 5:"), m.create(t.cls(), new Shape(n, a, c, gridH, gridW)))
              .mul(object.reshape(n, a, 1, gridH, gridW))
              .sum();
      NDArray boxLoss = xy.add(wh);
      NDArray headLoss = boxLoss.add(objLoss).add(clsLoss);
      total = total == null ? headLoss : total.add(headLoss);
      box += boxLoss.getFloat() / n;
      obj += objLoss.getFloat() / n;
      cls += clsLoss.getFloat() / n;
    }
    return new Result(total.div(n), box, obj, cls);
  }

  /** Binary cross-entropy with logits, numerically stable: max(x,0) - x t + log(1 + e^-|x|). */
  static NDArray bce(NDArray logits, NDArray target) {
    return logits.maximum(0f).sub(logits.mul(target)).add(logits.abs().neg().exp().add(1f).log());
  }
}
