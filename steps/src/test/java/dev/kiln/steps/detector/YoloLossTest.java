package dev.kiln.steps.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class YoloLossTest {
  // 64x64 input, one head at stride 8 (8x8 grid), anchors 20x20, 29x29, 40x40, 3 classes
  private final DarknetCfg cfg = DarknetCfg.builtIn("shapes-tiny").withSize(64);
  private final YoloLoss loss = new YoloLoss(cfg);

  @Test
  void aBoxGoesToTheBestFittingAnchorInTheCellOfItsCentre() {
    // 28x30 px box centred at (36, 15) px: best anchor by wh-IoU is 29x29 (index 1), cell (4, 1)
    Box b = new Box(22f / 64, 0f, 50f / 64, 30f / 64, 2);
    YoloLoss.HeadTargets t = loss.assign(0, List.of(List.of(b)), 8, 8, null);
    assertThat(t.positives()).isEqualTo(1);
    int s = t.slot(0, 1, 1, 4);
    assertThat(t.object()[s]).isEqualTo(1f);
    assertThat(t.noObject()[s]).isEqualTo(0f);
    assertThat(t.tx()[s]).isCloseTo(36f / 8 - 4, within(1e-5f));
    assertThat(t.ty()[s]).isCloseTo(15f / 8 - 1, within(1e-5f));
    assertThat(t.tw()[s]).isCloseTo((float) Math.log(28.0 / 29), within(1e-5f));
    assertThat(t.th()[s]).isCloseTo((float) Math.log(30.0 / 29), within(1e-5f));
    assertThat(t.scale()[s]).isCloseTo(2 - (28f / 64) * (30f / 64), within(1e-5f));
    int plane = 64;
    int base = (0 * 3 + 1) * 3 * plane + 1 * 8 + 4;
    assertThat(new float[] {t.cls()[base], t.cls()[base + plane], t.cls()[base + 2 * plane]})
        .containsExactly(0f, 0f, 1f);
    // a small box picks the small anchor
    YoloLoss.HeadTargets small =
        loss.assign(0, List.of(List.of(new Box(0f, 0f, 0.25f, 0.25f, 0))), 8, 8, null);
    assertThat(small.object()[small.slot(0, 0, 1, 1)]).isEqualTo(1f);
  }

  @Test
  void zeroLogitsGiveLogTwoPerTermByHand() {
    try (NDManager m = NDManager.newBaseManager()) {
      Box b = new Box(0.25f, 0.25f, 0.5f, 0.5f, 0); // 16x16 px, anchor 20x20, cell (3,3)
      NDList heads = new NDList(m.zeros(new Shape(1, 24, 8, 8)));
      YoloLoss.Result r = loss.compute(heads, List.of(List.of(b)));
      double ln2 = Math.log(2);
      double scale = 2 - 0.25 * 0.25;
      double tw = Math.log(16.0 / 20);
      // box: 2 BCE terms (log 2 each, any target) + 0.5 * (tw^2 + th^2), times the scale
      double box = scale * (2 * ln2 + 0.5 * 2 * tw * tw);
      // objectness: every one of the 3*64 slots, log 2 each; classes: 3 terms on the positive
      double obj = 3 * 64 * ln2;
      double cls = 3 * ln2;
      assertThat(r.box()).isCloseTo((float) box, within(1e-4f));
      assertThat(r.objectness()).isCloseTo((float) obj, within(1e-3f));
      assertThat(r.classes()).isCloseTo((float) cls, within(1e-4f));
      assertThat(r.total().getFloat()).isCloseTo((float) (box + obj + cls), within(1e-3f));
    }
  }

  @Test
  void predictionsOverlappingATruthAreNotPunishedForObjectness() {
    float[] raw = new float[24 * 64];
    // the truth (18..38 px) is 20x20 centred at 28: its slot is anchor 0 (20x20) in cell (3,3)
    Box b = new Box(18f / 64, 18f / 64, 38f / 64, 38f / 64, 1);
    // anchor 1 (29x29) in cell (3,3) predicts 20x20 at the same centre: IoU 1, so ignored
    int plane = 64;
    int cell = 3 * 8 + 3;
    raw[1 * 8 * plane + 2 * plane + cell] = (float) Math.log(20.0 / 29);
    raw[1 * 8 * plane + 3 * plane + cell] = (float) Math.log(20.0 / 29);
    // anchor 2 (40x40) keeps its size: IoU 400 / 1600 = 0.25, still punished
    YoloLoss.HeadTargets t = loss.assign(0, List.of(List.of(b)), 8, 8, raw);
    assertThat(t.object()[t.slot(0, 0, 3, 3)]).isEqualTo(1f);
    assertThat(t.object()[t.slot(0, 1, 3, 3)]).isZero();
    assertThat(t.noObject()[t.slot(0, 1, 3, 3)]).isZero();
    assertThat(t.noObject()[t.slot(0, 2, 3, 3)]).isEqualTo(1f);
    assertThat(t.noObject()[t.slot(0, 1, 0, 0)]).isEqualTo(1f);
  }
}
