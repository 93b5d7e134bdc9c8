package io.modelfetch.civitai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.DownloadResult;
import io.modelfetch.DownloadedFile.Status;
import io.modelfetch.Downloads;
import io.modelfetch.Secret;
import io.modelfetch.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Local files identified by SHA-256 through {@code /api/v1/model-versions/by-hash/}, like Civitai Helper's scan. */
class IdentifyTest {
  private static CivitaiStub civitai;

  @TempDir
  Path dir;
  private final byte[] bytes = TestData.bytes(300_000, 3);
  private final String sha256 = TestData.sha256(bytes);
  private Path local;

  @BeforeAll
  static void start() throws Exception {
    civitai = CivitaiStub.start();
  }

  @AfterAll
  static void stop() {
    civitai.close();
  }

  @BeforeEach
  void aLocalLoraCivitaiKnows() throws Exception {
    civitai.reset();
    local = Files.write(dir.resolve("my lora (renamed).safetensors"), bytes);
    ObjectNode version = Fixtures.version(1050496, 706978, "Aesthetic Flux", "LORA", "Flux.1 D");
    version.withArray("trainedWords").add("aesthetic");
    Fixtures.addFile(version, 956429, "aeshteticv5_fp8.safetensors", "Model", "SafeTensor", "fp8", true,
        TestData.sha256(new byte[2]));
    Fixtures.addFile(version, 956430, "aeshteticv5.safetensors", "Model", "SafeTensor", "bf16", false, sha256);
    Fixtures.addImage(version, civitai.storage.url("/images/1.webp"), "image");
    civitai.storage.file("/images/1.webp", "RIFF-WEBP".getBytes(StandardCharsets.US_ASCII));
    civitai.byHash(sha256, version);
    civitai.model(706978, "<p>a LoRA for film looks</p>", version);
  }

  private Downloads downloads() {
    return Downloads.builder().environment(Map.of("CIVITAI_ENDPOINT", civitai.endpoint()))
        .token("civitai", Secret.of("builder-token")).retries(0).build();
  }

  @Test
  void aKnownFileGetsItsMetadataAndSidecarsWithoutDownloadingAnything() throws Exception {
    DownloadResult result;
    try (Downloads downloads = downloads()) {
      result = downloads.download(CivitaiResolver.identify(local).option("civitai.a1111Json", "true"));
    }
    assertThat(result.file().status()).isEqualTo(Status.ALREADY_PRESENT);
    assertThat(result.path()).isEqualTo(local.toAbsolutePath());
    assertThat(result.bytesTransferred()).isZero();
    assertThat(result.metadata().modelName()).hasValue("Aesthetic Flux");
    assertThat(result.metadata().precision()).hasValue("bf16");
    assertThat(result.metadata().attributes()).containsEntry("civitai.fileId", "956430")
        .containsEntry("civitai.sha256", sha256);
    assertThat(result.file().sidecars()).containsExactlyInAnyOrder(dir.resolve("my lora (renamed).civitai.info"),
        dir.resolve("my lora (renamed).preview.webp"), dir.resolve("my lora (renamed).json"));
    assertThat(Files.readString(dir.resolve("my lora (renamed).civitai.info"))).contains("\"aeshteticv5.safetensors\"");
    assertThat(Files.readString(dir.resolve("my lora (renamed).json"))).contains("\"activation text\": \"aesthetic\"",
        "\"description\": \"<p>a LoRA for film looks</p>\"");
    assertThat(Files.readAllBytes(local)).isEqualTo(bytes);

    assertThat(civitai.apiRequests()).extracting(LoggedRequest::getUrl)
        .containsExactlyInAnyOrder("/api/v1/model-versions/by-hash/" + sha256, "/api/v1/models/706978");
    assertThat(civitai.apiRequests()).allSatisfy(r ->
        assertThat(r.getHeader("Authorization")).isEqualTo("Bearer builder-token"));
    assertThat(civitai.storage.requests()).extracting(r -> r.path()).containsExactly("/images/1.webp");
  }

  @Test
  void aFileCivitaiDoesNotKnowIsNotFoundAndGetsNoSidecars() throws Exception {
    Path unknown = Files.write(dir.resolve("mystery.safetensors"), new byte[] {1, 2, 3});
    try (Downloads downloads = downloads()) {
      assertThatThrownBy(() -> downloads.download(CivitaiResolver.identify(unknown)))
          .isInstanceOfSatisfying(DownloadException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
            assertThat(e.getMessage()).contains("mystery.safetensors", TestData.sha256(new byte[] {1, 2, 3}));
          });
    }
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("mystery.safetensors", "my lora (renamed).safetensors");
    }
  }

  @Test
  void aMissingFileIsAnInvalidRequest() {
    try (Downloads downloads = downloads()) {
      assertThatThrownBy(() -> downloads.download(CivitaiResolver.identify(dir.resolve("absent.safetensors"))))
          .isInstanceOfSatisfying(DownloadException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.INVALID_REQUEST);
            assertThat(e.getMessage()).contains("absent.safetensors");
          });
    }
  }

  @Test
  void theIdentifySourceIsAFileUriThatKeepsSpacesAndIsOurs() throws Exception {
    String source = CivitaiResolver.identify(local).source();
    assertThat(source).startsWith("civitai:identify:file:").contains("my%20lora%20(renamed).safetensors");
    assertThat(new CivitaiResolver().accepts(source)).isTrue();
    assertThat(Identification.file(source)).isEqualTo(local.toAbsolutePath());
    assertThat(Identification.sha256(local)).isEqualTo(sha256);
  }
}
