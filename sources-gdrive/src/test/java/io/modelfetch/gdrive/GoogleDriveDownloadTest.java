package io.modelfetch.gdrive;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.modelfetch.gdrive.DriveStub.html;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.DownloadedFile.Status;
import io.modelfetch.Downloads;
import io.modelfetch.ResolvedFile;
import io.modelfetch.testing.FakeOrigin;
import io.modelfetch.testing.RecordedRequest;
import io.modelfetch.testing.RecordingListener;
import io.modelfetch.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads through the engine with Drive on loopback: the bytes arrive, and no Drive page ever lands on disk. */
class GoogleDriveDownloadTest {
  private static final String ID = "1s52ek_4YTDRt_EOkx1FS53u-vJa0c4nu";
  private static final String UUID = "2b32fee2-d9c8-48a0-be9a-51d4b1dea839";
  private static final String SHARE_LINK = "https://drive.google.com/file/d/" + ID + "/view?usp=sharing";
  private static DriveStub drive;

  @TempDir
  Path dir;
  private final byte[] model = TestData.bytes(1_500_000, 21);
  private final RecordingListener events = new RecordingListener();

  @BeforeAll
  static void start() {
    drive = DriveStub.start();
  }

  @AfterAll
  static void stop() {
    drive.close();
  }

  @BeforeEach
  void resetDrive() {
    drive.reset();
  }

  private Downloads.Builder builder() {
    return Downloads.builder().environment(Map.of()).connectionsPerFile(4).retries(1)
        .connectTimeout(Duration.ofSeconds(5)).idleTimeout(Duration.ofSeconds(5)).listener(events);
  }

  private Downloads downloads() {
    return builder().endpoint("gdrive", drive.endpoint()).build();
  }

  @Test
  void aLargeFileArrivesThroughTheVirusScanConfirmationAndThePageIsNeverSaved() throws Exception {
    drive.largeFile(ID, "model.safetensors", model, UUID);
    DownloadResult result;
    try (Downloads downloads = downloads()) {
      assertThat(downloads.resolvers()).contains("gdrive");
      result = downloads.download(DownloadRequest.of(SHARE_LINK).into(dir).sha256(TestData.sha256(model)));
    }
    assertThat(result.path()).isEqualTo(dir.resolve("model.safetensors"));
    assertThat(Files.readAllBytes(result.path())).isEqualTo(model);
    assertThat(result.file().status()).isEqualTo(Status.DOWNLOADED);
    assertThat(result.file().url()).endsWith("/download?id=" + ID + "&export=download&confirm=t&uuid=" + UUID);
    assertThat(result.file().metadata().pageUrl()).hasValue("https://drive.google.com/file/d/" + ID + "/view");
    assertThat(events.resolved()).extracting(ResolvedFile::name).containsExactly("model.safetensors");
    assertThat(filesIn(dir)).containsExactly("model.safetensors");
    assertThat(drive.urls()).filteredOn(u -> !u.contains("confirm=t"))
        .as("the warning page is asked for by the resolver only, never by the engine")
        .containsExactly("/uc?id=" + ID + "&export=download", "/download?id=" + ID + "&export=download");
  }

  @Test
  void aSmallFileComesWithoutConfirmationAndASecondRunFindsItInPlace() throws Exception {
    drive.smallFile(ID, "tiny.safetensors", model);
    try (Downloads downloads = builder().environment(Map.of("GDRIVE_ENDPOINT", drive.endpoint())).build()) {
      DownloadResult first = downloads.download(DownloadRequest.of("https://drive.google.com/uc?id=" + ID
          + "&export=download").into(dir));
      assertThat(Files.readAllBytes(first.path())).isEqualTo(model);
      DownloadResult again = downloads.download(DownloadRequest.of(SHARE_LINK).into(dir));
      assertThat(again.file().status()).isEqualTo(Status.ALREADY_PRESENT);
      assertThat(again.bytesTransferred()).isZero();
    }
    assertThat(filesIn(dir)).containsExactly("tiny.safetensors");
  }

  @Test
  void aQuotaRefusalFailsWithAdviceAndLeavesNothingBehind() throws Exception {
    drive.largeFile(ID, "model.safetensors", model, UUID);
    drive.confirmed(ID, UUID, html(200, DriveStub.quotaExceeded()));
    try (Downloads downloads = downloads()) {
      assertThatThrownBy(() -> downloads.download(DownloadRequest.of(SHARE_LINK).into(dir)))
          .isInstanceOf(DownloadException.class)
          .satisfies(e -> assertThat(((DownloadException) e).kind()).isEqualTo(Kind.QUOTA_EXCEEDED))
          .hasMessageContaining("Try again later");
    }
    assertThat(filesIn(dir)).isEmpty();
  }

  @Test
  void aPageThatTurnsUpWhenTheEngineFetchesTheFileIsNeverSaved() throws Exception {
    drive.largeFile(ID, "model.safetensors", model, UUID);
    drive.server.stubFor(get(urlPathEqualTo("/download")).withQueryParam("uuid", equalTo(UUID))
        .inScenario("quota strikes").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("exceeded")
        .willReturn(DriveStub.file("model.safetensors", model)));
    drive.server.stubFor(get(urlPathEqualTo("/download")).withQueryParam("uuid", equalTo(UUID))
        .inScenario("quota strikes").whenScenarioStateIs("exceeded").willReturn(html(200, DriveStub.quotaExceeded())));
    try (Downloads downloads = downloads()) {
      assertThatThrownBy(() -> downloads.download(DownloadRequest.of(SHARE_LINK).into(dir)))
          .isInstanceOf(DownloadException.class)
          .satisfies(e -> assertThat(((DownloadException) e).kind()).isEqualTo(Kind.UNEXPECTED_RESPONSE));
    }
    assertThat(drive.urls()).as("the engine asked after the resolver").filteredOn(u -> u.contains(UUID)).hasSize(2);
    assertThat(filesIn(dir)).isEmpty();
  }

  @Test
  void anExpiredLinkMidDownloadIsRenewedByReadingTheConfirmationAgain() throws Exception {
    try (FakeOrigin storage = FakeOrigin.start()) {
      // the confirmed URL redirects to a content host, as Drive did through *.googleusercontent.com;
      // it answers ranges, and its first ranged request fails 403 as an expired link does
      storage.file("/content/model.safetensors", model).failRanges(1, 403)
          .contentDisposition("attachment; filename=\"model.safetensors\"");
      drive.ucRedirects(ID);
      drive.warnings(ID, "model.safetensors", UUID, "renewed-uuid");
      drive.confirmed(ID, UUID, aResponse().withStatus(302)
          .withHeader("Location", storage.url("/content/model.safetensors") + "?sig=first"));
      drive.confirmed(ID, "renewed-uuid", aResponse().withStatus(302)
          .withHeader("Location", storage.url("/content/model.safetensors") + "?sig=renewed"));
      DownloadResult result;
      try (Downloads downloads = downloads()) {
        result = downloads.download(DownloadRequest.of(SHARE_LINK).into(dir));
      }
      assertThat(Files.readAllBytes(result.path())).isEqualTo(model);
      assertThat(drive.urls()).filteredOn(u -> u.startsWith("/uc?")).as("resolved, then renewed").hasSize(2);
      assertThat(drive.urls()).contains("/download?id=" + ID + "&export=download&confirm=t&uuid=renewed-uuid");
      assertThat(storage.requests("/content/model.safetensors"))
          .filteredOn(r -> r.header("range").filter(v -> !v.equals("bytes=0-0")).isPresent())
          .extracting(RecordedRequest::target)
          .as("the range that failed used the first link, the rest the renewed one")
          .contains("/content/model.safetensors?sig=first", "/content/model.safetensors?sig=renewed");
      assertThat(events.notices()).anySatisfy(n -> assertThat(n).contains("expired"));
    }
    assertThat(filesIn(dir)).containsExactly("model.safetensors");
  }

  @Test
  void aSharedFolderLandsBelowItsName() throws Exception {
    String folder = "1KpLl_1tcK0eeehzN980zbG-3M2nhbVks";
    String small = "108RHF3bQb6dgOByv_KMGzHuktJOwU_jL";
    byte[] config = "{\"v\": 1}".getBytes();
    drive.folder(folder, DriveStub.folderPage("my-lora", new String[] {"https://drive.google.com/file/d/" + ID
        + "/view?usp=drive_web", "lora.safetensors"}, new String[] {"https://drive.google.com/file/d/" + small
        + "/view?usp=drive_web", "config.json"}));
    drive.largeFile(ID, "lora.safetensors", model, UUID);
    drive.smallFile(small, "config.json", config);
    DownloadResult result;
    try (Downloads downloads = downloads()) {
      result = downloads.download(DownloadRequest.of("https://drive.google.com/drive/folders/" + folder).into(dir));
    }
    assertThat(result.files()).hasSize(2);
    assertThat(Files.readAllBytes(dir.resolve("my-lora/lora.safetensors"))).isEqualTo(model);
    assertThat(Files.readAllBytes(dir.resolve("my-lora/config.json"))).isEqualTo(config);
    assertThat(filesIn(dir.resolve("my-lora"))).containsExactlyInAnyOrder("lora.safetensors", "config.json");
  }

  private static List<String> filesIn(Path folder) throws Exception {
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
