package dev.kiln.steps.labels;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidationAndSplitTest {
  @TempDir Path dir;

  private static final ClassList CLASSES = ClassList.of(List.of("cat", "dog"));

  private static LabeledImage image(BoxAnnotation... boxes) {
    return LabeledImage.detection("a.jpg", Path.of("/data/a.jpg"), 100, 50, List.of(boxes), null);
  }

  @Test
  void clipPolicyClipsBoxesThatOvershootAndRejectsWhatIsLeftEmpty() {
    Validation.Result r =
        Validation.validate(
            image(
                new BoxAnnotation("cat", -5, 10, 20, 60),
                new BoxAnnotation("dog", 10, 10, 20, 20),
                new BoxAnnotation("dog", 120, 10, 130, 20)),
            CLASSES,
            BoxPolicy.CLIP);
    assertThat(r.accepted()).isTrue();
    assertThat(r.image().boxes())
        .containsExactly(
            new BoxAnnotation("cat", 0, 10, 20, 50), new BoxAnnotation("dog", 10, 10, 20, 20));
    assertThat(r.clippedBoxes()).isEqualTo(1);
    assertThat(r.rejections())
        .containsExactly(
            new Rejection(
                "a.jpg#box2",
                RejectReason.ZERO_AREA_BOX,
                "box \"dog\" [120, 10, 130, 20] lies outside the 100x50 image"));
  }

  @Test
  void rejectPolicyRejectsBoxesThatOvershoot() {
    Validation.Result r =
        Validation.validate(
            image(
                new BoxAnnotation("cat", -5, 10, 20, 60), new BoxAnnotation("dog", 10, 10, 20, 20)),
            CLASSES,
            BoxPolicy.REJECT);
    assertThat(r.image().boxes()).containsExactly(new BoxAnnotation("dog", 10, 10, 20, 20));
    assertThat(r.clippedBoxes()).isZero();
    assertThat(r.rejections())
        .containsExactly(
            new Rejection(
                "a.jpg#box0",
                RejectReason.BOX_OUTSIDE_IMAGE,
                "box \"cat\" [-5, 10, 20, 60] reaches outside the 100x50 image"));
  }

  @Test
  void zeroAreaAndUnknownClassesAreRejectedOneByOne() {
    Validation.Result r =
        Validation.validate(
            image(
                new BoxAnnotation("cat", 10, 10, 10, 20),
                new BoxAnnotation("bird", 1, 1, 2, 2),
                new BoxAnnotation("cat", 30, 20, 20, 40)),
            CLASSES,
            BoxPolicy.CLIP);
    assertThat(r.image().boxes()).isEmpty();
    assertThat(r.rejections())
        .extracting(Rejection::source, Rejection::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a.jpg#box0", RejectReason.ZERO_AREA_BOX),
            org.assertj.core.groups.Tuple.tuple("a.jpg#box1", RejectReason.UNKNOWN_CLASS),
            org.assertj.core.groups.Tuple.tuple("a.jpg#box2", RejectReason.ZERO_AREA_BOX));
    assertThat(r.rejections().get(1).detail())
        .isEqualTo("class \"bird\" is not in the class list [cat, dog]");

    Validation.Result unknownLabel =
        Validation.validate(
            LabeledImage.classification("x.png", Path.of("/x.png"), 4, 4, "fish", null),
            CLASSES,
            BoxPolicy.CLIP);
    assertThat(unknownLabel.accepted()).isFalse();
    assertThat(unknownLabel.rejections())
        .extracting(Rejection::reason)
        .containsExactly(RejectReason.UNKNOWN_CLASS);
  }

  @Test
  void ratioSplitIsDeterministicIndependentOfOrderAndNearTheRatio() {
    List<LabeledImage> images = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      images.add(
          LabeledImage.detection(
              "img_" + i + ".jpg", Path.of("/d/img_" + i + ".jpg"), 10, 10, List.of(), null));
    }
    Splitter s = new Splitter.ByRatio(0.8, 42);
    Map<String, String> first = new HashMap<>();
    for (LabeledImage img : images) {
      first.put(img.sourceId(), s.assign(img).orElseThrow());
    }
    List<LabeledImage> shuffled = new ArrayList<>(images);
    Collections.shuffle(shuffled, new Random(1));
    for (LabeledImage img : shuffled) {
      assertThat(new Splitter.ByRatio(0.8, 42).assign(img)).contains(first.get(img.sourceId()));
    }
    long train = first.values().stream().filter("train"::equals).count();
    assertThat(train).isBetween(1540L, 1660L);
    long changed =
        images.stream()
            .filter(
                img ->
                    !new Splitter.ByRatio(0.8, 7)
                        .assign(img)
                        .orElseThrow()
                        .equals(first.get(img.sourceId())))
            .count();
    assertThat(changed).isPositive(); // another seed gives another split
  }

  @Test
  void tagSplitNormalizesAliasesAndFallsBackOrRejects() {
    LabeledImage valid =
        LabeledImage.detection("v/a.jpg", Path.of("/v/a.jpg"), 10, 10, List.of(), "valid");
    LabeledImage untagged =
        LabeledImage.detection("b.jpg", Path.of("/b.jpg"), 10, 10, List.of(), null);
    assertThat(Splitter.ByTag.strict().assign(valid)).contains("validation");
    assertThat(Splitter.ByTag.strict().assign(untagged)).isEmpty();
    assertThat(Splitter.ByTag.strict().unassigned(untagged))
        .isEqualTo(
            new Rejection(
                "b.jpg",
                RejectReason.NO_SPLIT,
                "no split for this image: split tags from the source (untagged images rejected)"));
    assertThat(new Splitter.ByTag(new Splitter.ByRatio(1.0, 0)).assign(untagged)).contains("train");
  }

  @Test
  void fileListSplitMatchesIdsNamesAndStems() throws IOException {
    Path train =
        TestImages.text(dir.resolve("train.txt"), "# train images\nimg_1\nsub/img_2.jpg\n");
    Path test = TestImages.text(dir.resolve("test.txt"), "img_3.jpg\n");
    Splitter s =
        Splitter.ByFileList.read(
            new java.util.LinkedHashMap<>(Map.of("train", train, "test", test)));
    assertThat(
            s.assign(
                LabeledImage.detection(
                    "img_1.jpg", Path.of("/d/img_1.jpg"), 1, 1, List.of(), null)))
        .contains("train");
    assertThat(
            s.assign(
                LabeledImage.detection(
                    "sub/img_2.jpg", Path.of("/d/sub/img_2.jpg"), 1, 1, List.of(), null)))
        .contains("train");
    assertThat(
            s.assign(
                LabeledImage.detection(
                    "x/img_3.jpg", Path.of("/d/x/img_3.jpg"), 1, 1, List.of(), null)))
        .contains("test");
    assertThat(
            s.assign(
                LabeledImage.detection(
                    "img_4.jpg", Path.of("/d/img_4.jpg"), 1, 1, List.of(), null)))
        .isEmpty();
    assertThat(Set.copyOf(s.declaredSplits())).containsExactlyInAnyOrder("train", "test");
  }

  @Test
  void classListFromDeclaredOrSortedUsedNamesAndWritesClassesTxt() throws IOException {
    List<LabeledImage> imgs =
        List.of(
            image(new BoxAnnotation("zebra", 1, 1, 2, 2), new BoxAnnotation("ant", 1, 1, 2, 2)),
            image(new BoxAnnotation("mole", 1, 1, 2, 2)));
    ClassList used = ClassList.build(List.of(), imgs);
    assertThat(used.names()).containsExactly("ant", "mole", "zebra");
    assertThat(used.id("ant")).hasValue(1);
    assertThat(used.id("zebra")).hasValue(3);
    assertThat(ClassList.build(List.of("zebra", "ant"), imgs).names())
        .containsExactly("zebra", "ant");
    Path f = dir.resolve("classes.txt");
    used.write(f);
    assertThat(java.nio.file.Files.readString(f)).isEqualTo("ant\nmole\nzebra\n");
    assertThat(ClassList.read(f)).isEqualTo(used);
  }
}
