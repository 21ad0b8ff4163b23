package dev.kiln.serving;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.kiln.steps.detector.DarknetCfg;
import dev.kiln.steps.detector.DarknetNetwork;
import dev.kiln.steps.detector.SavedDetector;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;

/** A detector model folder with seeded random weights, as the weights step writes one; images. */
final class TestModels {
  private TestModels() {}

  static Path detector(Path dir) throws IOException {
    Engine.getInstance().setRandomSeed(7);
    try (NDManager m = NDManager.newBaseManager()) {
      DarknetNetwork net = new DarknetNetwork(DarknetCfg.builtIn("shapes-tiny").withSize(64));
      net.initialize(m, DataType.FLOAT32, net.inputShape(1));
      SavedDetector.save(dir, net, List.of("circle", "square", "triangle"), Map.of());
    }
    return dir;
  }

  /** A picture of a few coloured shapes, different per seed. */
  static BufferedImage image(int seed, int w, int h) {
    Random r = new Random(seed);
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
      g.fillRect(0, 0, w, h);
      for (int i = 0; i < 3; i++) {
        g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
        int x = r.nextInt(w / 2);
        int y = r.nextInt(h / 2);
        if (r.nextBoolean()) {
          g.fillOval(x, y, 8 + r.nextInt(w / 2), 8 + r.nextInt(h / 2));
        } else {
          g.fillRect(x, y, 8 + r.nextInt(w / 2), 8 + r.nextInt(h / 2));
        }
      }
    } finally {
      g.dispose();
    }
    return img;
  }

  static byte[] encode(BufferedImage img, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, format, out);
    return out.toByteArray();
  }
}
