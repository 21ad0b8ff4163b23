package dev.kiln.steps.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class YoloDecoderTest {
  @Test
  void nmsDropsOverlapsOfOneClassOnly() {
    Detection a = new Detection(0, 0.9f, 0.1f, 0.1f, 0.5f, 0.5f);
    Detection b = new Detection(0, 0.8f, 0.12f, 0.12f, 0.52f, 0.52f); // IoU ~0.82 with a
    Detection c = new Detection(1, 0.7f, 0.12f, 0.12f, 0.52f, 0.52f); // other class: kept
    Detection d = new Detection(0, 0.6f, 0.6f, 0.6f, 0.9f, 0.9f); // no overlap: kept
    assertThat(YoloDecoder.nms(List.of(d, b, c, a), 0.5f, 100)).containsExactly(a, c, d);
    assertThat(YoloDecoder.nms(List.of(d, b, c, a), 0.9f, 100)).containsExactly(a, b, c, d);
    assertThat(YoloDecoder.nms(List.of(d, b, c, a), 0.5f, 2)).containsExactly(a, c);
  }

  @Test
  void decodesOneConfidentSlot() {
    DarknetCfg cfg = DarknetCfg.builtIn("shapes-tiny").withSize(64);
    float[] raw = new float[24 * 64];
    java.util.Arrays.fill(raw, -10f);
    int plane = 64;
    int per = 8;
    int k = 2; // anchor 40x40
    int off = k * per * plane + 3 * 8 + 5; // cell x=5, y=3
    raw[off] = 0f; // x offset 0.5
    raw[off + plane] = 0f; // y offset 0.5
    raw[off + 2 * plane] = (float) Math.log(0.5); // w = 20 px
    raw[off + 3 * plane] = 0f; // h = 40 px
    raw[off + 4 * plane] = 10f;
    raw[off + 6 * plane] = 10f; // class 1
    try (NDManager m = NDManager.newBaseManager()) {
      NDList heads = new NDList(m.create(raw, new Shape(1, 24, 8, 8)));
      List<Detection> dets = new YoloDecoder(cfg, 0.5f, 0.5f, 100).decode(heads).get(0);
      assertThat(dets).hasSize(1);
      Detection d = dets.get(0);
      assertThat(d.classId()).isEqualTo(1);
      assertThat(d.score()).isGreaterThan(0.99f);
      // centre (5.5/8, 3.5/8), 20x40 px of 64
      assertThat(d.xmin()).isCloseTo(5.5f / 8 - 10f / 64, within(1e-5f));
      assertThat(d.xmax()).isCloseTo(5.5f / 8 + 10f / 64, within(1e-5f));
      assertThat(d.ymin()).isCloseTo(3.5f / 8 - 20f / 64, within(1e-5f));
      assertThat(d.ymax()).isCloseTo(3.5f / 8 + 20f / 64, within(1e-5f));
    }
  }
}
