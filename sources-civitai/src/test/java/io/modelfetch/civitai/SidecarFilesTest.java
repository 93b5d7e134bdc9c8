package io.modelfetch.civitai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelfetch.Metadata;
import io.modelfetch.spi.Sidecar;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sidecar contents and metadata, from the two real response shapes. */
class SidecarFilesTest {
  private final VersionJson wai = new VersionJson(Fixtures.resource("model-version-2514310.json"));
  private final VersionJson flux = new VersionJson(Fixtures.resource("by-hash-1050496.json"));

  @Test
  void civitaiInfoIsTheVersionJsonIndentedLikePythonsJsonDumps() throws Exception {
    ObjectNode small = Fixtures.JSON.createObjectNode();
    small.put("id", 1);
    small.putArray("trainedWords");
    small.putArray("tags").add("a").add("b");
    small.putObject("earlyAccessConfig");
    small.put("name", "Ünïcode ✓");
    small.put("sizeKB", 167938.8828125);
    String text = new String(SidecarFiles.civitaiInfo(small), StandardCharsets.US_ASCII);
    assertThat(text).isEqualTo("""
        {
            "id": 1,
            "trainedWords": [],
            "tags": [
                "a",
                "b"
            ],
            "earlyAccessConfig": {},
            "name": "\\u00DCn\\u00EFcode \\u2713",
            "sizeKB": 167938.8828125
        }""");
    assertThat(Fixtures.JSON.readTree(SidecarFiles.civitaiInfo(wai.json()))).isEqualTo(wai.json());
  }

  @Test
  void sidecarsAreTheInfoAndTheFirstStillImageWithItsRealExtension() {
    List<Sidecar> sidecars = SidecarFiles.of(wai, false, null);
    assertThat(sidecars).extracting(Sidecar::suffix).containsExactly(".civitai.info", ".preview.jpg");
    assertThat(sidecars.get(0).overwrite()).isTrue();
    assertThat(sidecars.get(1).url()).hasHost("image.civitai.com").hasPath(
        "/xG1nkqKTMzGDvpLrqFT7WA/0b8c2e51-ffcb-4a9c-b9b0-1f5f0ae1d1a0/original=true/113034839.jpeg");
    assertThat(sidecars.get(1).overwrite()).isFalse();

    List<Sidecar> skippingTheVideo = SidecarFiles.of(flux, false, null);
    assertThat(skippingTheVideo).extracting(Sidecar::suffix).containsExactly(".civitai.info", ".preview.png");
    assertThat(skippingTheVideo.get(1).url().getPath()).endsWith("/37012346.png");
  }

  @Test
  void aSafePreviewIsTheFirstStillImageRatedPgOrPg13AndNoneMeansNoPreview() throws Exception {
    ObjectNode v = Fixtures.version(7, 8, "m", "LORA", "SDXL 1.0");
    Fixtures.addImage(v, "https://image.civitai.com/x/r.jpeg", "image");
    ((ObjectNode) v.withArray("images").get(0)).put("nsfwLevel", 4);
    Fixtures.addImage(v, "https://image.civitai.com/x/unrated.jpeg", "image");
    ((ObjectNode) v.withArray("images").get(1)).remove("nsfwLevel");
    Fixtures.addImage(v, "https://image.civitai.com/x/pg13-video.mp4", "video");
    ((ObjectNode) v.withArray("images").get(2)).put("nsfwLevel", 2);
    Fixtures.addImage(v, "https://image.civitai.com/x/pg13.webp", "image");
    ((ObjectNode) v.withArray("images").get(3)).put("nsfwLevel", 2);
    VersionJson version = new VersionJson(v);

    assertThat(SidecarFiles.of(version, false, null, ResolverOptions.Preview.ANY).get(1).url().getPath())
        .endsWith("/r.jpeg");
    List<Sidecar> safe = SidecarFiles.of(version, false, null, ResolverOptions.Preview.SFW);
    assertThat(safe).extracting(Sidecar::suffix).containsExactly(".civitai.info", ".preview.webp");
    assertThat(safe.get(1).url().getPath()).endsWith("/pg13.webp");
    assertThat(SidecarFiles.of(version, false, null, ResolverOptions.Preview.NONE)).extracting(Sidecar::suffix)
        .containsExactly(".civitai.info");

    ((ObjectNode) v.withArray("images").get(3)).put("nsfwLevel", 8);
    assertThat(SidecarFiles.of(new VersionJson(v), false, null, ResolverOptions.Preview.SFW))
        .as("no safe image, no preview").extracting(Sidecar::suffix).containsExactly(".civitai.info");
  }

  @Test
  void olderAnswersRateImagesWithAnNsfwFlagOrWord() {
    ObjectNode v = Fixtures.version(7, 8, "m", "LORA", "SD 1.5");
    for (String[] image : new String[][] {{"a.png", "X"}, {"b.png", "Mature"}, {"c.png", "Soft"}}) {
      Fixtures.addImage(v, "https://image.civitai.com/x/" + image[0], "image");
      ObjectNode node = (ObjectNode) v.withArray("images").get(v.withArray("images").size() - 1);
      node.remove("nsfwLevel");
      node.put("nsfw", image[1]);
    }
    assertThat(new VersionJson(v).previewImage(true)).hasValueSatisfying(u -> assertThat(u.getPath()).endsWith("/c.png"));
    ((ObjectNode) v.withArray("images").get(0)).put("nsfw", false);
    assertThat(new VersionJson(v).previewImage(true)).hasValueSatisfying(u -> assertThat(u.getPath()).endsWith("/a.png"));
  }

  @Test
  void thePreviewOptionIsCheckedAndTypoSafe() throws Exception {
    assertThat(ResolverOptions.parse(java.util.Map.of("civitai.preview", " SFW ")).preview())
        .isEqualTo(ResolverOptions.Preview.SFW);
    assertThat(ResolverOptions.parse(java.util.Map.of()).preview()).isEqualTo(ResolverOptions.Preview.ANY);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ResolverOptions.parse(java.util.Map.of("civitai.preview", "safe")))
        .hasMessageContaining("any, sfw or none");
  }

  @Test
  void previewExtensionFollowsTheUrlAndDefaultsToPng() {
    assertThat(SidecarFiles.previewExtension(URI.create("https://i.example/a/b.JPEG"))).isEqualTo("jpg");
    assertThat(SidecarFiles.previewExtension(URI.create("https://i.example/a/b.jpg"))).isEqualTo("jpg");
    assertThat(SidecarFiles.previewExtension(URI.create("https://i.example/a/b.webp"))).isEqualTo("webp");
    assertThat(SidecarFiles.previewExtension(URI.create("https://i.example/a/b.png"))).isEqualTo("png");
    assertThat(SidecarFiles.previewExtension(URI.create("https://i.example/a/width=450/b"))).isEqualTo("png");
  }

  @Test
  void a1111JsonCarriesActivationTextAndSdVersionAndIsNeverOverwritten() throws Exception {
    List<Sidecar> sidecars = SidecarFiles.of(flux, true, "<p>model description</p>");
    Sidecar a1111 = sidecars.get(sidecars.size() - 1);
    assertThat(a1111.suffix()).isEqualTo(".json");
    assertThat(a1111.overwrite()).isFalse();
    String text = new String(a1111.content(), StandardCharsets.UTF_8);
    assertThat(text).startsWith("{\n    \"description\": \"<p>model description</p>\",\n");
    JsonNode json = Fixtures.JSON.readTree(text);
    assertThat(json.path("activation text").asText()).isEqualTo("aesthetic, cinematic lighting || film grain");
    assertThat(json.path("sd version").asText()).isEqualTo("Unknown");
    assertThat(json.path("preferred weight").asDouble()).isZero();
    assertThat(json.path("notes").asText()).isEmpty();
    assertThat(json.fieldNames()).toIterable()
        .containsExactly("description", "sd version", "activation text", "preferred weight", "negative text", "notes");
  }

  @Test
  void sdVersionComesFromTheBaseModel() {
    assertThat(SidecarFiles.sdVersion("SD 1.5")).isEqualTo("SD1");
    assertThat(SidecarFiles.sdVersion("SD 2.1 768")).isEqualTo("SD2");
    assertThat(SidecarFiles.sdVersion("SDXL 1.0")).isEqualTo("SDXL");
    assertThat(SidecarFiles.sdVersion("Pony")).isEqualTo("SDXL");
    assertThat(SidecarFiles.sdVersion("Illustrious")).isEqualTo("SDXL");
    assertThat(SidecarFiles.sdVersion("SD 3.5 Large")).isEqualTo("SD3");
    assertThat(SidecarFiles.sdVersion("Flux.1 D")).isEqualTo("Unknown");
    assertThat(SidecarFiles.sdVersion(null)).isEqualTo("Unknown");
    assertThat(SidecarFiles.activationText(List.of("a", "b c"))).isEqualTo("a, b c");
  }

  @Test
  void metadataCarriesWhatTheIssueLists() {
    FileEntry file = wai.files().get(0);
    Metadata m = wai.metadata(file, "https://civitai.com/models/827184?modelVersionId=2514310");
    assertThat(m.source()).hasValue("civitai");
    assertThat(m.modelName()).hasValue("WAI-illustrious-SDXL");
    assertThat(m.versionName()).hasValue("v16.0");
    assertThat(m.modelType()).hasValue("Checkpoint");
    assertThat(m.baseModel()).hasValue("Illustrious");
    assertThat(m.nsfw()).hasValue(false);
    assertThat(m.format()).hasValue("SafeTensor");
    assertThat(m.precision()).hasValue("fp16");
    assertThat(m.autoV2()).hasValue("A5F58EB1C3");
    assertThat(m.pageUrl()).hasValue("https://civitai.com/models/827184?modelVersionId=2514310");
    assertThat(m.attributes()).containsEntry("civitai.modelId", "827184")
        .containsEntry("civitai.versionId", "2514310")
        .containsEntry("civitai.fileId", "2402203")
        .containsEntry("civitai.size", "pruned")
        .containsEntry("civitai.sizeKB", "6775430.35")
        .containsEntry("civitai.air", "urn:air:sdxl:checkpoint:civitai:827184@2514310")
        .containsEntry("civitai.sha256", "a5f58eb1c33616c4f06bca55af39876a7b817913cd829caa8acb111b770c85cc")
        .containsEntry("civitai.previewUrl", "https://image.civitai.com/xG1nkqKTMzGDvpLrqFT7WA/"
            + "0b8c2e51-ffcb-4a9c-b9b0-1f5f0ae1d1a0/original=true/113034839.jpeg");

    Metadata lora = flux.metadata(flux.files().get(0), "p");
    assertThat(lora.trainedWords()).containsExactly("aesthetic, cinematic lighting", "film grain");
    assertThat(lora.precision()).isEmpty();
    assertThat(lora.attributes()).doesNotContainKey("civitai.size");
    assertThat(file.sizeKB()).hasValue(6775430.35);
  }
}
