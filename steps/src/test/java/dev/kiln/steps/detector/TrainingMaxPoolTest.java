package dev.kiln.steps.detector;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.GradientCollector;
import org.assertj.core.data.Offset;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The training-time 2x2 max pool gives libtorch's values and gradients. */
class TrainingMaxPoolTest {
  @Test
  void valuesAndGradientsMatchMaxPool2d() {
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(3);
      // mixed magnitudes, as activations after leaky ReLU have
      NDArray x = m.randomNormal(new Shape(2, 3, 8, 6)).mul(m.randomUniform(0.01f, 10f, new Shape(2, 3, 8, 6)));
      NDArray weights = m.randomNormal(new Shape(2, 3, 4, 3));
      NDArray[] exact = pooledWithGradient(m, x, weights,
          v -> Pool.maxPool2d(v, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false));
      NDArray[] fast = pooledWithGradient(m, x, weights, DarknetNetwork::maxPool2x2ForTraining);

      assertThat(fast[0].getShape()).isEqualTo(new Shape(2, 3, 4, 3));
      float[] want = exact[0].toFloatArray();
      float[] got = fast[0].toFloatArray();
      for (int i = 0; i < want.length; i++) {
        assertThat(got[i]).as("value %d", i).isCloseTo(want[i], Offset.offset(
            1e-6f * Math.max(1f, Math.abs(want[i]))));
      }
      // each output's gradient goes to the one input that was the maximum, nowhere else
      assertThat(fast[1].toFloatArray()).containsExactly(exact[1].toFloatArray());
    }
  }

  private static NDArray[] pooledWithGradient(
      NDManager m, NDArray x, NDArray weights, UnaryOperator<NDArray> pool) {
    NDArray in = x.duplicate();
    in.setRequiresGradient(true);
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray out = pool.apply(in);
      gc.backward(out.mul(weights).sum());
      return new NDArray[] {out.duplicate(), in.getGradient().duplicate()};
    }
  }
}
