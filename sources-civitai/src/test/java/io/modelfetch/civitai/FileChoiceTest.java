package io.modelfetch.civitai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import org.junit.jupiter.api.Test;

/** Which file of a version gets downloaded. */
class FileChoiceTest {
  /** Six files of one version, like the Flux release whose selector URL 404'd (artokun/comfyui-mcp#1300). */
  private static VersionJson sixFiles() {
    ObjectNode v = Fixtures.version(3155593, 2828284, "Flux Kontext", "Checkpoint", "Flux.1 D");
    Fixtures.addFile(v, 3036501, "flux_kontext_int8.safetensors", "UNet", "SafeTensor", "int8", true, null);
    Fixtures.addFile(v, 3036502, "flux_kontext_fp8.safetensors", "UNet", "SafeTensor", "fp8", false, null);
    Fixtures.addFile(v, 3036503, "flux_kontext-Q8_0.gguf", "UNet", "GGUF", null, false, null)
        .withObjectProperty("metadata").put("quantType", "Q8_0");
    Fixtures.addFile(v, 3036504, "flux_kontext-Q4_K_M.gguf", "UNet", "GGUF", null, false, null)
        .withObjectProperty("metadata").put("quantType", "Q4_K_M");
    Fixtures.addFile(v, 3036505, "ae.safetensors", "VAE", "SafeTensor", null, false, null);
    Fixtures.addFile(v, 3036509, "t5xxl_fp16.safetensors", "Text Encoder", "SafeTensor", "fp16", false, null);
    return new VersionJson(v);
  }

  private static long chosen(FileChoice choice) throws DownloadException {
    return choice.choose(sixFiles()).id();
  }

  @Test
  void noSelectorPicksThePrimaryFile() throws Exception {
    assertThat(chosen(FileChoice.ANY)).isEqualTo(3036501);
    VersionJson docs = new VersionJson(Fixtures.resource("model-version-2514310.json"));
    assertThat(FileChoice.ANY.choose(docs).name()).isEqualTo("waiIllustriousSDXL_v160.safetensors");
  }

  @Test
  void fileIdPicksExactlyThatFileAndIgnoresTheOtherSelectors() throws Exception {
    assertThat(chosen(new FileChoice(3036509L, null, null, null, null, null))).isEqualTo(3036509);
    assertThat(chosen(new FileChoice(3036505L, "UNet", "GGUF", null, null, null))).isEqualTo(3036505);
  }

  @Test
  void selectorsMustAllMatchIgnoringCase() throws Exception {
    assertThat(chosen(new FileChoice(null, "vae", null, null, null, null))).isEqualTo(3036505);
    assertThat(chosen(new FileChoice(null, "UNet", "SafeTensor", null, "fp8", null))).isEqualTo(3036502);
    assertThat(chosen(new FileChoice(null, null, "gguf", null, null, "q4_k_m"))).isEqualTo(3036504);
    assertThat(chosen(new FileChoice(null, "Text Encoder", null, null, "FP16", null))).isEqualTo(3036509);
  }

  @Test
  void amongSeveralMatchesThePrimaryWinsElseTheFirstListed() throws Exception {
    assertThat(chosen(new FileChoice(null, null, "SafeTensor", null, null, null))).isEqualTo(3036501);
    assertThat(chosen(new FileChoice(null, null, "GGUF", null, null, null))).isEqualTo(3036503);
  }

  @Test
  void withoutAPrimaryFlagAModelFileIsPreferred() throws Exception {
    ObjectNode v = Fixtures.version(1, 2, "m", "LORA", "SDXL 1.0");
    Fixtures.addFile(v, 10, "training.zip", "Training Data", null, null, false, null);
    Fixtures.addFile(v, 11, "lora.safetensors", "Model", "SafeTensor", null, false, null);
    assertThat(FileChoice.ANY.choose(new VersionJson(v)).id()).isEqualTo(11);
  }

  @Test
  void formatAliasesUsersWriteMapToCivitaiFormats() {
    assertThat(new FileChoice(null, null, "safetensors", null, null, null).format()).isEqualTo("SafeTensor");
    assertThat(new FileChoice(null, null, "safetensor", null, null, null).format()).isEqualTo("SafeTensor");
    assertThat(new FileChoice(null, null, "ckpt", null, null, null).format()).isEqualTo("PickleTensor");
    assertThat(new FileChoice(null, null, "gguf", null, null, null).format()).isEqualTo("GGUF");
    assertThat(new FileChoice(null, null, "Diffusers", null, null, null).format()).isEqualTo("Diffusers");
  }

  @Test
  void optionsOverrideTheUrlsSelectors() {
    FileChoice url = new FileChoice(null, "Model", "SafeTensor", "pruned", "fp16", null);
    FileChoice options = new FileChoice(7L, null, null, null, "bf16", null);
    assertThat(url.overriddenBy(options)).isEqualTo(new FileChoice(7L, "Model", "SafeTensor", "pruned", "bf16", null));
    assertThat(url.overriddenBy(FileChoice.ANY)).isEqualTo(url);
  }

  @Test
  void noMatchingFileIsNotFoundAndListsTheFilesWithTheOptionToPickOne() {
    assertThatThrownBy(() -> chosen(new FileChoice(null, "Model", "SafeTensor", null, null, null)))
        .isInstanceOfSatisfying(DownloadException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
          assertThat(e.getMessage()).contains("3155593", "type=Model, format=SafeTensor",
              "id 3036509: t5xxl_fp16.safetensors (Text Encoder, SafeTensor, fp16)",
              "id 3036504: flux_kontext-Q4_K_M.gguf (UNet, GGUF, Q4_K_M)", "civitai.fileId=ID");
        });
    assertThatThrownBy(() -> chosen(new FileChoice(42L, null, null, null, null, null)))
        .isInstanceOfSatisfying(DownloadException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
          assertThat(e.getMessage()).contains("no file with id 42", "id 3036501");
        });
  }

  @Test
  void aVersionWithoutFilesIsNotFound() {
    VersionJson empty = new VersionJson(Fixtures.version(5, 6, "m", "LORA", "SD 1.5"));
    assertThatThrownBy(() -> FileChoice.ANY.choose(empty))
        .isInstanceOfSatisfying(DownloadException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
  }
}
