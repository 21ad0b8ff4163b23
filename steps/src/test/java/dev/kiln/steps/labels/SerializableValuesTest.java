package dev.kiln.steps.labels;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.steps.tfrecord.Example;
import dev.kiln.steps.tfrecord.ExampleCodec;
import dev.kiln.steps.tfrecord.Feature;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The values a Beam pipeline will pass between stages must survive Java serialization. */
class SerializableValuesTest {

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T value) throws IOException, ClassNotFoundException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }

  @Test
  void recordsAndStrategiesSurviveJavaSerialization() throws Exception {
    LabeledImage img =
        LabeledImage.detection(
            "a/b.jpg",
            Path.of("/data/a/b.jpg"),
            10,
            20,
            List.of(new BoxAnnotation("cat", 1, 2, 3, 4)),
            "train");
    assertThat(roundTrip(img)).isEqualTo(img);
    Rejection r = new Rejection("x", RejectReason.NO_SPLIT, "d");
    assertThat(roundTrip(r)).isEqualTo(r);
    ClassList classes = ClassList.of(List.of("cat", "dog"));
    ClassList copy = roundTrip(classes);
    assertThat(copy).isEqualTo(classes);
    assertThat(copy.id("dog")).hasValue(2);
    Splitter s = new Splitter.ByTag(new Splitter.ByRatio(0.7, 3));
    assertThat(roundTrip(s)).isEqualTo(s);

    Example e =
        Example.of(Map.of("b", Feature.FloatList.of(1f), "a", Feature.BytesList.ofString("x")));
    Example e2 = roundTrip(e);
    assertThat(e2).isEqualTo(e);
    assertThat(ExampleCodec.encode(e2)).isEqualTo(ExampleCodec.encode(e));
  }
}
