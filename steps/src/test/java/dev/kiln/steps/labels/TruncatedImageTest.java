package dev.kiln.steps.labels;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12: an image whose header is intact but whose data is cut short is rejected. */
class TruncatedImageTest {
  @TempDir Path dir;

  @Test
  void aTruncatedJpegOrPngWithAnIntactHeaderIsRejectedAsUnreadable() throws IOException {
    Path good = TestImages.jpeg(dir.resolve("good.jpg"), 64, 48);
    Path jpeg = truncate(TestImages.jpeg(dir.resolve("cut.jpg"), 64, 48));
    Path png = truncate(TestImages.png(dir.resolve("cut.png"), 64, 48));
    // the header still gives the size, so only a full decode can tell
    assertThat(ImageHeaders.read(jpeg).width()).isEqualTo(64);
    assertThat(ImageHeaders.read(png).width()).isEqualTo(64);
    ClassList classes = ClassList.build(List.of("cat"), List.of());

    assertThat(RecordConverter.convert(image(good), classes))
        .isInstanceOf(RecordConverter.Encoded.class);
    for (Path p : List.of(jpeg, png)) {
      RecordConverter.Outcome o = RecordConverter.convert(image(p), classes);
      assertThat(o).as(p.toString()).isInstanceOf(RecordConverter.Rejected.class);
      Rejection r = ((RecordConverter.Rejected) o).rejection();
      assertThat(r.reason()).isEqualTo(RejectReason.IMAGE_UNREADABLE);
      assertThat(r.source()).isEqualTo(p.getFileName().toString());
      assertThat(r.detail()).startsWith(p.getFileName() + ": the image data ");
    }
  }

  private static LabeledImage image(Path p) {
    return LabeledImage.detection(
        p.getFileName().toString(),
        p,
        64,
        48,
        List.of(new BoxAnnotation("cat", 1, 1, 10, 10)),
        "train");
  }

  private static Path truncate(Path p) throws IOException {
    byte[] b = Files.readAllBytes(p);
    Files.write(p, Arrays.copyOf(b, b.length * 2 / 3));
    return p;
  }
}
