package dev.kiln.runner.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeAllocatorTest {
  @TempDir Path dir;

  @Test
  void autoFindsTcmallocInTheFirstFolderThatHasIt() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("a"));
    Path lib = Files.createDirectories(dir.resolve("b")).resolve("libtcmalloc_minimal.so.4");
    Files.writeString(lib, "");
    for (String setting : new String[] {null, "", "auto", " auto "}) {
      NativeAllocator.Choice c = NativeAllocator.choose(setting, List.of(empty, lib.getParent()));
      assertThat(c.library()).isEqualTo(lib);
      assertThat(c.description()).isEqualTo("memory allocator: tcmalloc (" + lib + ")");
    }
  }

  @Test
  void withoutTcmallocTheSystemAllocatorIsUsedAndTheLogSaysHowToGetIt() {
    NativeAllocator.Choice c = NativeAllocator.choose("auto", List.of(dir));
    assertThat(c.library()).isNull();
    assertThat(c.description()).contains("system's malloc").contains("libtcmalloc-minimal4");
  }

  @Test
  void systemNeverPreloads() throws Exception {
    Files.writeString(dir.resolve("libtcmalloc_minimal.so.4"), "");
    NativeAllocator.Choice c = NativeAllocator.choose("system", List.of(dir));
    assertThat(c.library()).isNull();
    Map<String, String> env = new HashMap<>(Map.of("LD_PRELOAD", "/x/libother.so"));
    NativeAllocator.apply(c, env);
    assertThat(env).containsEntry("LD_PRELOAD", "/x/libother.so");
  }

  @Test
  void aGivenPathIsPreloadedAndAMissingOneIsAnErrorNamingTheVariable() throws Exception {
    Path lib = dir.resolve("libjemalloc.so.2");
    Files.writeString(lib, "");
    NativeAllocator.Choice c = NativeAllocator.choose(lib.toString(), List.of());
    assertThat(c.library()).isEqualTo(lib);
    assertThatThrownBy(() -> NativeAllocator.choose(dir.resolve("nope.so").toString(), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("KILN_DJL_MALLOC=" + dir.resolve("nope.so"))
        .hasMessageContaining("no such library");
  }

  @Test
  void theLibraryGoesFirstInLdPreloadKeepingWhatWasThere() {
    NativeAllocator.Choice c =
        new NativeAllocator.Choice(Path.of("/lib/libtcmalloc_minimal.so.4"), "tcmalloc");
    Map<String, String> env = new HashMap<>();
    NativeAllocator.apply(c, env);
    assertThat(env).containsEntry("LD_PRELOAD", "/lib/libtcmalloc_minimal.so.4");
    env.put("LD_PRELOAD", "/x/libother.so");
    NativeAllocator.apply(c, env);
    assertThat(env).containsEntry("LD_PRELOAD", "/lib/libtcmalloc_minimal.so.4 /x/libother.so");
    NativeAllocator.apply(c, env);
    assertThat(env).containsEntry("LD_PRELOAD", "/lib/libtcmalloc_minimal.so.4 /x/libother.so");
  }

  @Test
  void onTheSystemsMallocGlibcIsTunedUnlessTheUserSaidOtherwise() {
    NativeAllocator.Choice system = new NativeAllocator.Choice(null, "system");
    Map<String, String> env = new HashMap<>();
    env.put("MALLOC_ARENA_MAX", "8");
    NativeAllocator.apply(system, env);
    assertThat(env)
        .containsEntry("MALLOC_ARENA_MAX", "8")
        .containsEntry("MALLOC_MMAP_THRESHOLD_", "536870912")
        .containsEntry("MALLOC_TRIM_THRESHOLD_", "536870912")
        .containsEntry("MALLOC_TOP_PAD_", "67108864")
        .doesNotContainKey("LD_PRELOAD");
    // With tcmalloc preloaded glibc's variables mean nothing and are not set.
    Map<String, String> tc = new HashMap<>();
    NativeAllocator.apply(new NativeAllocator.Choice(Path.of("/lib/libtcmalloc_minimal.so.4"), "tc"), tc);
    assertThat(tc).containsOnlyKeys("LD_PRELOAD");
  }
}
