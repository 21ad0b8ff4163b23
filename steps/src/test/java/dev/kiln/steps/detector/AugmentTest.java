package dev.kiln.steps.detector;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The boxes move with the pixels under random scale, offset and flip. */
class AugmentTest {
  private static Sample whiteSquareOnBlack() {
    BufferedImage img = new BufferedImage(100, 100, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(20, 30, 30, 30); // x 20..50, y 30..60
    g.dispose();
    return new Sample("k", img, List.of(new Box(0.2f, 0.3f, 0.5f, 0.6f, 2)));
  }

  private static int brightness(BufferedImage img, float x, float y) {
    int px = Math.min(img.getWidth() - 1, Math.max(0, Math.round(x * img.getWidth())));
    int py = Math.min(img.getHeight() - 1, Math.max(0, Math.round(y * img.getHeight())));
    return img.getRGB(px, py) & 0xff;
  }

  @Test
  void boxesFollowScaleOffsetAndFlip() {
    Sample s = whiteSquareOnBlack();
    Random rnd = new Random(7);
    List<Float> widths = new ArrayList<>();
    int rightHalf = 0;
    int leftHalf = 0;
    for (int i = 0; i < 40; i++) {
      Images.Augmented a = Images.augment(s, 64, 0.6f, 1.4f, true, rnd);
      assertThat(a.image().getWidth()).isEqualTo(64);
      if (a.boxes().isEmpty()) {
        continue;
      }
      Box b = a.boxes().get(0);
      assertThat(b.label()).isEqualTo(2);
      float cx = (b.xmin() + b.xmax()) / 2;
      float cy = (b.ymin() + b.ymax()) / 2;
      float w = b.xmax() - b.xmin();
      float h = b.ymax() - b.ymin();
      // inside the box: the white square; just outside it (where in view): not white
      assertThat(brightness(a.image(), cx, cy)).as("centre of %s", b).isGreaterThan(200);
      assertThat(brightness(a.image(), b.xmin() + w * 0.15f, b.ymin() + h * 0.15f))
          .isGreaterThan(200);
      if (b.xmax() + 0.06f < 1 && b.xmax() < 0.99f) {
        assertThat(brightness(a.image(), b.xmax() + 0.05f, cy)).as("right of %s", b)
            .isLessThan(160);
      }
      if (b.xmin() - 0.06f > 0 && b.xmin() > 0.01f) {
        assertThat(brightness(a.image(), b.xmin() - 0.05f, cy)).as("left of %s", b)
            .isLessThan(160);
      }
      widths.add(w);
      if (cx > 0.5f) {
        rightHalf++;
      } else {
        leftHalf++;
      }
    }
    assertThat(widths).hasSizeGreaterThan(30);
    // the scale varied, and flips put the square (left of centre in the source) on the right
    assertThat(widths.stream().max(Float::compare).orElseThrow()
        / widths.stream().min(Float::compare).orElseThrow()).isGreaterThan(1.5f);
    assertThat(rightHalf).isPositive();
    assertThat(leftHalf).isPositive();
  }

  @Test
  void withoutFlipAndScaleOneTheBoxesStay() {
    Images.Augmented a = Images.augment(whiteSquareOnBlack(), 50, 1f, 1f, false, new Random(1));
    assertThat(a.boxes()).containsExactly(new Box(0.2f, 0.3f, 0.5f, 0.6f, 2));
    assertThat(brightness(a.image(), 0.35f, 0.45f)).isGreaterThan(200);
    assertThat(brightness(a.image(), 0.7f, 0.45f)).isLessThan(50);
  }
}
