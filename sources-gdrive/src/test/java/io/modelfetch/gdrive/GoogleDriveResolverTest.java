package io.modelfetch.gdrive;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static io.modelfetch.gdrive.DriveStub.html;
import static org.assertj.core.api.Assertions.assertThat;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.spi.RemoteFile;
import io.modelfetch.spi.SourceRequest;
import io.modelfetch.testing.TestData;
import io.modelfetch.testing.TestResolverContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the resolver asks a Drive-shaped WireMock and which RemoteFiles or errors come out. */
class GoogleDriveResolverTest {
  private static final String ID = "1s52ek_4YTDRt_EOkx1FS53u-vJa0c4nu";
  private static final String UUID = "2b32fee2-d9c8-48a0-be9a-51d4b1dea839";
  private static final String SHARE_LINK = "https://drive.google.com/file/d/" + ID + "/view?usp=sharing";
  private static DriveStub drive;

  @TempDir
  Path dir;
  private final byte[] body = TestData.bytes(20_000, 3);
  private TestResolverContext context;

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
    context = TestResolverContext.forService("gdrive").withEndpoint(drive.endpoint());
  }

  private List<RemoteFile> resolve(String url) throws DownloadException {
    return new GoogleDriveResolver().resolve(new SourceRequest(url, Map.of(), dir), context);
  }

  private DownloadException failure(String url) {
    try {
      resolve(url);
      throw new AssertionError("resolving " + url + " should have failed");
    } catch (DownloadException e) {
      return e;
    }
  }

  @Test
  void aSmallFileComesStraightFromTheUsercontentHost() throws Exception {
    drive.smallFile(ID, "tiny.safetensors", body);
    RemoteFile file = resolve(SHARE_LINK).get(0);
    assertThat(file.url()).hasToString(drive.endpoint() + "/download?id=" + ID + "&export=download");
    assertThat(file.refreshUrl()).hasToString(drive.endpoint() + "/uc?id=" + ID + "&export=download");
    assertThat(file.identity()).isEqualTo("gdrive:file:" + ID);
    assertThat(file.fileName()).hasValue("tiny.safetensors");
    assertThat(file.size()).isEqualTo(body.length);
    assertThat(file.metadata().source()).hasValue("gdrive");
    assertThat(file.metadata().pageUrl()).hasValue("https://drive.google.com/file/d/" + ID + "/view");
    assertThat(file.headers()).isEmpty();
    assertThat(drive.urls()).containsExactly("/uc?id=" + ID + "&export=download",
        "/download?id=" + ID + "&export=download");
    assertThat(drive.requests()).as("English pages, whose words are recognised")
        .allSatisfy(r -> assertThat(r.getHeader("Accept-Language")).startsWith("en"));
  }

  @Test
  void aLargeFileIsConfirmedThroughTheVirusScanFormAndTheFileUrlCarriesItsUuid() throws Exception {
    drive.largeFile(ID, "model.safetensors", body, UUID);
    RemoteFile file = resolve(SHARE_LINK).get(0);
    String confirmed = "/download?id=" + ID + "&export=download&confirm=t&uuid=" + UUID;
    assertThat(file.url()).hasToString(drive.endpoint() + confirmed);
    assertThat(file.refreshUrl()).hasToString(drive.endpoint() + "/uc?id=" + ID + "&export=download");
    assertThat(file.fileName()).hasValue("model.safetensors");
    assertThat(file.size()).isEqualTo(body.length);
    assertThat(drive.urls()).containsExactly("/uc?id=" + ID + "&export=download",
        "/download?id=" + ID + "&export=download", confirmed);
  }

  @Test
  void aFreshLinkReadsTheConfirmationAgainForANewUuid() throws Exception {
    drive.largeFile(ID, "model.safetensors", body, UUID);
    RemoteFile file = resolve(SHARE_LINK).get(0);
    drive.reset();
    drive.largeFile(ID, "model.safetensors", body, "fresh-uuid");
    assertThat(new GoogleDriveResolver().refresh(file, context))
        .hasToString(drive.endpoint() + "/download?id=" + ID + "&export=download&confirm=t&uuid=fresh-uuid");
  }

  @Test
  void theEndpointMayComeFromTheEnvironmentWithATrailingSlash() throws Exception {
    drive.smallFile(ID, "tiny.safetensors", body);
    context = TestResolverContext.forService("gdrive").withEnv(Map.of("GDRIVE_ENDPOINT", drive.endpoint() + "/"));
    assertThat(resolve("https://drive.usercontent.google.com/download?id=" + ID + "&export=download&authuser=0")
        .get(0).url()).hasToString(drive.endpoint() + "/download?id=" + ID + "&export=download");
  }

  @Test
  void theResourceKeyOfAnOldShareLinkReachesDrive() throws Exception {
    drive.smallFile(ID, "tiny.safetensors", body);
    resolve(SHARE_LINK + "&resourcekey=0-AbC");
    assertThat(drive.urls().get(0)).isEqualTo("/uc?id=" + ID + "&export=download&resourcekey=0-AbC");
  }

  @ParameterizedTest
  @ValueSource(ints = {200, 403})
  void theQuotaPageIsQuotaExceededWithAdvice(int status) {
    drive.ucRedirects(ID);
    drive.usercontent(ID, false, html(status, DriveStub.quotaExceeded()));
    DownloadException e = failure(SHARE_LINK);
    assertThat(e.kind()).isEqualTo(Kind.QUOTA_EXCEEDED);
    assertThat(e.getMessage()).contains(ID, "too many users", "24 hours", "make a copy in your own Drive");
  }

  @Test
  void theQuotaCanAlsoStrikeAfterTheConfirmation() {
    drive.largeFile(ID, "model.safetensors", body, UUID);
    drive.confirmed(ID, UUID, html(403, DriveStub.quotaExceeded()));
    assertThat(failure(SHARE_LINK).kind()).isEqualTo(Kind.QUOTA_EXCEEDED);
  }

  @Test
  void aRedirectToGooglesSignInMeansTheFileIsNotSharedAndIsNeverFollowed() {
    drive.uc(ID, aResponse().withStatus(302).withHeader("Location", "https://accounts.google.com/ServiceLogin"
        + "?service=wise&passive=1209600&continue=https://drive.google.com/uc?id%3D" + ID));
    DownloadException e = failure(SHARE_LINK);
    assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION_REQUIRED);
    assertThat(e.getMessage()).contains(ID, "Anyone with the link", "Share > General access");
    assertThat(drive.requests()).hasSize(1);
  }

  @Test
  void theSignInPageItselfIsRecognisedAndNotSubmitted() {
    drive.ucRedirects(ID);
    drive.usercontent(ID, false, html(200, DriveStub.signIn(ID)));
    assertThat(failure(SHARE_LINK).kind()).isEqualTo(Kind.AUTHENTICATION_REQUIRED);
    assertThat(drive.requests()).hasSize(2);
  }

  @Test
  void aMissingFileIsNotFound() {
    drive.uc(ID, html(404, DriveStub.notFound()));
    DownloadException e = failure(SHARE_LINK);
    assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
    assertThat(e.getMessage()).contains(ID, "copied whole", "deleted");
  }

  @Test
  void aBareForbiddenIsAccessDeniedWithTheSharingAdvice() {
    drive.uc(ID, aResponse().withStatus(403));
    DownloadException e = failure(SHARE_LINK);
    assertThat(e.kind()).isEqualTo(Kind.ACCESS_DENIED);
    assertThat(e.getMessage()).contains("Anyone with the link", "https://drive.google.com/file/d/" + ID + "/view");
  }

  @Test
  void aPageWithNoWayOnIsReportedWithItsTitleNotHandedOn() {
    drive.ucRedirects(ID);
    drive.usercontent(ID, false, html(200, "<html><head><title>Google Drive - Something new</title></head>"
        + "<body><div id=\"app\"></div></body></html>"));
    DownloadException e = failure(SHARE_LINK);
    assertThat(e.kind()).isEqualTo(Kind.UNEXPECTED_RESPONSE);
    assertThat(e.getMessage()).contains("Google Drive - Something new", "Anyone with the link", "report");
  }

  @Test
  void aConfirmationThatComesBackAgainEndsInsteadOfLooping() {
    drive.largeFile(ID, "model.safetensors", body, UUID);
    drive.confirmed(ID, UUID, html(200, DriveStub.virusScanWarning(ID, "model.safetensors", UUID)));
    DownloadException e = failure(SHARE_LINK);
    assertThat(e.kind()).isEqualTo(Kind.UNEXPECTED_RESPONSE);
    assertThat(e.getMessage()).contains("kept answering");
    assertThat(drive.requests()).hasSize(3);
  }

  @Test
  void hiddenFieldsAreNeverSubmittedToAHostThatIsNotGoogles() {
    drive.ucRedirects(ID);
    drive.usercontent(ID, false, html(200, DriveStub.virusScanWarning(ID, "m.bin", UUID)
        .replace("https://drive.usercontent.google.com/download", "https://collector.example/download")));
    DownloadException e = failure(SHARE_LINK);
    assertThat(e.kind()).isEqualTo(Kind.UNEXPECTED_RESPONSE);
    assertThat(e.getMessage()).contains("collector.example", "not Google's");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "https://docs.google.com/document/d/0B_NiLAzvehC9R2stRmQyM3ZiVjQ/edit",
      "https://docs.google.com/spreadsheets/d/0B_NiLAzvehC9R2stRmQyM3ZiVjQ/edit",
      "https://docs.google.com/presentation/d/0B_NiLAzvehC9R2stRmQyM3ZiVjQ/edit",
  })
  void googleDocsSheetsAndSlidesAreRefusedWithWhatToDoAndNoRequest(String url) {
    DownloadException e = failure(url);
    assertThat(e.kind()).isEqualTo(Kind.UNSUPPORTED_SOURCE);
    assertThat(e.getMessage()).contains("not a file stored in Drive", "File > Download");
    assertThat(drive.requests()).isEmpty();
  }

  @Test
  void aFolderIsWalkedIntoFilesBelowItsNameWithSubfoldersOnceAndDocumentsSkipped() throws Exception {
    String folder = "1KpLl_1tcK0eeehzN980zbG-3M2nhbVks";
    String sub = "1aMZqPaU03E7XOQNXtjSCdguRHBaIQ82m";
    String a = "108RHF3bQb6dgOByv_KMGzHuktJOwU_jL";
    String twin = "1Sul7bhaimPjncS2GE73nVloSPQbtyzu-";
    String c = "1xYz2AbCdEfGhIjKlMnOpQrStUvWxYz3A";
    drive.folder(folder, DriveStub.folderPage("Models", file(a, "lora.safetensors"), file(twin, "lora.safetensors"),
        new String[] {"https://drive.google.com/drive/folders/" + sub, "vae"},
        new String[] {"https://docs.google.com/document/d/1dOcIdAbCdEfGhIjKlMnOpQrStUvW/edit?usp=drive_web", "Notes"}));
    drive.folder(sub, DriveStub.folderPage("vae", file(c, "a/b\\c.pt"),
        new String[] {"https://drive.google.com/drive/folders/" + folder, "back to Models"}));
    drive.smallFile(a, "lora.safetensors", body);
    drive.smallFile(twin, "lora.safetensors", new byte[10]);
    drive.largeFile(c, "c.pt", new byte[20], UUID);

    List<RemoteFile> files = resolve("https://drive.google.com/drive/folders/" + folder + "?usp=sharing");

    assertThat(files).extracting(f -> f.relativePath().orElseThrow()).containsExactly("Models/lora.safetensors",
        "Models/lora_" + twin + ".safetensors", "Models/vae/a_b_c.pt");
    assertThat(files).extracting(RemoteFile::identity)
        .containsExactly("gdrive:file:" + a, "gdrive:file:" + twin, "gdrive:file:" + c);
    assertThat(files.get(2).url().toString()).contains("confirm=t&uuid=" + UUID);
    assertThat(files).extracting(RemoteFile::size).containsExactly((long) body.length, 10L, 20L);
    assertThat(context.notices()).singleElement().asString().contains("Notes", "Google Docs document");
    assertThat(drive.urls()).filteredOn(u -> u.startsWith("/embeddedfolderview"))
        .containsExactly("/embeddedfolderview?id=" + folder, "/embeddedfolderview?id=" + sub);
  }

  @Test
  void aFolderWithoutFilesIsNotFound() {
    String folder = "1KpLl_1tcK0eeehzN980zbG-3M2nhbVks";
    drive.folder(folder, DriveStub.folderPage("Empty"));
    DownloadException e = failure("https://drive.google.com/drive/folders/" + folder);
    assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
    assertThat(e.getMessage()).contains("folder " + folder, "no files");
  }

  @Test
  void aPrivateFolderAsksForSharingToo() {
    String folder = "1KpLl_1tcK0eeehzN980zbG-3M2nhbVks";
    drive.folder(folder, aResponse().withStatus(302).withHeader("Location", "https://accounts.google.com/ServiceLogin"));
    DownloadException e = failure("https://drive.google.com/drive/folders/" + folder);
    assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION_REQUIRED);
    assertThat(e.getMessage()).contains("folder " + folder, "Anyone with the link");
  }

  private static String[] file(String id, String name) {
    return new String[] {"https://drive.google.com/file/d/" + id + "/view?usp=drive_web", name};
  }
}
