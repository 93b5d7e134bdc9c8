package io.modelfetch.huggingface;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PathFilterTest {

  @Test
  void starCrossesSlashesAsInFnmatch() {
    PathFilter f = PathFilter.of("data/*.json", null);
    assertThat(f.accepts("data/a.json")).isTrue();
    assertThat(f.accepts("data/sub/deeper/b.json")).isTrue();
    assertThat(f.accepts("other/data/a.json")).isFalse();
    assertThat(PathFilter.of("*.safetensors", null).accepts("unet/diffusion_pytorch_model.safetensors")).isTrue();
  }

  @Test
  void trailingSlashMeansEverythingInTheFolder() {
    PathFilter f = PathFilter.of("unet/", null);
    assertThat(f.accepts("unet/config.json")).isTrue();
    assertThat(f.accepts("unet/sub/x.bin")).isTrue();
    assertThat(f.accepts("unet")).isFalse();
    assertThat(f.accepts("vae/config.json")).isFalse();
    assertThat(PathFilter.of("unet\\", null).accepts("unet/x")).isTrue();
  }

  @Test
  void aFileMustMatchAnIncludeAndNoExclude() {
    PathFilter f = PathFilter.of("*.json, *.safetensors", "*fp16*,text_encoder/");
    assertThat(f.accepts("model.safetensors")).isTrue();
    assertThat(f.accepts("config.json")).isTrue();
    assertThat(f.accepts("model.fp16.safetensors")).isFalse();
    assertThat(f.accepts("text_encoder/config.json")).isFalse();
    assertThat(f.accepts("model.bin")).isFalse();
    assertThat(PathFilter.of(null, "*.bin").accepts("README.md")).isTrue();
    assertThat(PathFilter.of(" , ", null).isEmpty()).isTrue();
  }

  @Test
  void questionMarksClassesAndCaseFollowFnmatchcase() {
    assertThat(PathFilter.of("model-0000?.bin", null).accepts("model-00001.bin")).isTrue();
    assertThat(PathFilter.of("model-0000?.bin", null).accepts("model-0001.bin")).isFalse();
    assertThat(PathFilter.of("[!.]*", null).accepts(".gitattributes")).isFalse();
    assertThat(PathFilter.of("[!.]*", null).accepts("README.md")).isTrue();
    assertThat(PathFilter.of("shard-[0-2].bin", null).accepts("shard-1.bin")).isTrue();
    assertThat(PathFilter.of("shard-[0-2].bin", null).accepts("shard-3.bin")).isFalse();
    assertThat(PathFilter.of("[a-]x", null).accepts("-x")).isTrue();
    assertThat(PathFilter.of("*.JSON", null).accepts("config.json")).isFalse();
    assertThat(PathFilter.of("a[b", null).accepts("a[b")).isTrue();
    assertThat(PathFilter.of("a.b", null).accepts("aXb")).isFalse();
    assertThat(PathFilter.of("(x)+$", null).accepts("(x)+$")).isTrue();
  }
}
