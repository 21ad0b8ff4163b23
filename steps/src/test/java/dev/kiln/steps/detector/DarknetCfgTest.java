package dev.kiln.steps.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.steps.detector.DarknetCfg.Convolutional;
import dev.kiln.steps.detector.DarknetCfg.Route;
import dev.kiln.steps.detector.DarknetCfg.Shortcut;
import dev.kiln.steps.detector.DarknetCfg.Yolo;
import java.util.List;
import org.junit.jupiter.api.Test;

class DarknetCfgTest {

  @Test
  void yolov3HasDarknetsLayerCountAndResolvedRoutes() {
    DarknetCfg cfg = DarknetCfg.builtIn("yolov3");
    assertThat(cfg.layers()).hasSize(107);
    assertThat(cfg.layers().stream().filter(l -> l instanceof Convolutional)).hasSize(75);
    assertThat(cfg.heads()).extracting(Yolo::mask)
        .containsExactly(List.of(6, 7, 8), List.of(3, 4, 5), List.of(0, 1, 2));
    // layer 83 is "[route] layers=-4" after the first head (layer 82), layer 86 "-1, 61"
    assertThat(((Route) cfg.layers().get(83)).layers()).containsExactly(79);
    assertThat(((Route) cfg.layers().get(86)).layers()).containsExactly(85, 61);
    assertThat(((Shortcut) cfg.layers().get(4)).from()).isEqualTo(1);
    assertThat(cfg.heads().get(0).maskedAnchors().get(2)).containsExactly(373f, 326f);
  }

  @Test
  void withClassesResizesTheConvolutionBeforeEachHead() {
    DarknetCfg cfg = DarknetCfg.builtIn("yolov3-tiny").withClasses(3);
    assertThat(cfg.numClasses()).isEqualTo(3);
    assertThat(((Convolutional) cfg.layers().get(15)).filters()).isEqualTo(24);
    assertThat(((Convolutional) cfg.layers().get(22)).filters()).isEqualTo(24);
    assertThat(((Convolutional) cfg.layers().get(14)).filters()).isEqualTo(512);
  }

  @Test
  void textRoundTripGivesTheSameNetwork() {
    DarknetCfg cfg = DarknetCfg.builtIn("yolov3").withClasses(5).withSize(320);
    DarknetCfg back = DarknetCfg.parse(cfg.toText(), "yolov3");
    assertThat(back.width()).isEqualTo(320);
    assertThat(back.layers()).hasSize(cfg.layers().size());
    for (int i = 0; i < cfg.layers().size(); i++) {
      if (cfg.layers().get(i) instanceof Yolo y) {
        Yolo b = (Yolo) back.layers().get(i);
        assertThat(b.mask()).isEqualTo(y.mask());
        assertThat(b.classes()).isEqualTo(5);
        assertThat(b.anchors()).usingRecursiveFieldByFieldElementComparator().hasSize(9);
      } else {
        assertThat(back.layers().get(i).getClass()).isEqualTo(cfg.layers().get(i).getClass());
      }
    }
    assertThat(back.toText()).isEqualTo(cfg.toText());
    assertThat(back.toText()).contains("[route]\nlayers=85,61\n");
  }

  @Test
  void errorsNameTheLine() {
    String text = "[net]\nwidth=64\nheight=64\n\n[convolutional]\nfilters=8\nsize=3\n"
        + "activation=swish\n";
    assertThatThrownBy(() -> DarknetCfg.parse(text, "my.cfg"))
        .isInstanceOf(CfgException.class)
        .hasMessage("my.cfg:5: [convolutional] activation=swish is not supported"
            + " (leaky, linear, mish, relu, logistic)");
    assertThatThrownBy(() -> DarknetCfg.parse("[net]\n[route]\nlayers=-2\n", "r.cfg"))
        .hasMessage("r.cfg:2: [route] layers=-2 points at layer -2, but only layers 0..-1 come"
            + " before layer 0");
    assertThatThrownBy(() -> DarknetCfg.parse("[net]\n[dropout]\nprobability=.5\n", "d.cfg"))
        .hasMessageStartingWith("d.cfg:2: unsupported section [dropout]");
    assertThatThrownBy(() -> DarknetCfg.builtIn("yolov4"))
        .hasMessage("no built-in cfg \"yolov4\" (known: yolov3, yolov3-tiny, shapes-tiny)");
  }
}
