package io.modelfetch.huggingface;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.DownloadedFile.Status;
import io.modelfetch.Downloads;
import io.modelfetch.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The huggingface_hub cache layout, written through the engine, and read again without transfers. */
class HubCacheTest {
  private static final byte[] WEIGHTS = TestData.bytes(1 << 20, 21);
  private static final byte[] UNET = TestData.bytes(100_000, 22);
  private static final byte[] CONFIG = "{\"model_type\": \"tiny\"}\n".getBytes(StandardCharsets.UTF_8);

  @TempDir
  Path tmp;
  private FakeHub fake;
  private Path hubCache;

  @BeforeEach
  void start() throws Exception {
    fake = FakeHub.start();
    hubCache = tmp.resolve("hf-home/hub");
    fake.repo("", "org/tiny")
        .lfs("model.safetensors", WEIGHTS)
        .lfs("unet/diffusion_pytorch_model.safetensors", UNET)
        .git("config.json", CONFIG)
        .publish("main", 100);
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  private Downloads downloads() {
    return downloads(FakeHub.env("HOME", tmp.resolve("home").toString(), "HF_HOME", tmp.resolve("hf-home").toString()));
  }

  private Downloads downloads(java.util.Map<String, String> environment) {
    return Downloads.builder()
        .endpoint("huggingface", fake.base())
        .environment(environment)
        .connectionsPerFile(4)
        .idleTimeout(Duration.ofSeconds(5))
        .build();
  }

  private Downloads downloadsWithoutSymlinks(String value) {
    return downloads(FakeHub.env("HOME", tmp.resolve("home").toString(), "HF_HOME", tmp.resolve("hf-home").toString(),
        "HF_HUB_DISABLE_SYMLINKS", value));
  }

  private static DownloadRequest snapshot() {
    return DownloadRequest.of("https://huggingface.co/org/tiny").into(Path.of("unused"))
        .option(HuggingFaceResolver.OPTION_CACHE, "true");
  }

  @Test
  void writesBlobsRelativeSnapshotLinksAndTheBranchRef() throws Exception {
    DownloadResult result;
    try (Downloads d = downloads()) {
      result = d.download(snapshot());
    }

    Path repo = hubCache.resolve("models--org--tiny");
    Path blobs = repo.resolve("blobs");
    assertThat(Files.readAllBytes(blobs.resolve(TestData.sha256(WEIGHTS)))).isEqualTo(WEIGHTS);
    assertThat(Files.readAllBytes(blobs.resolve(TestData.sha256(UNET)))).isEqualTo(UNET);
    assertThat(Files.readAllBytes(blobs.resolve(FakeHub.gitBlobSha1(CONFIG)))).isEqualTo(CONFIG);
    try (Stream<Path> all = Files.list(blobs)) {
      assertThat(all).as("no partial or lock files left").hasSize(3);
    }

    Path snapshot = repo.resolve("snapshots").resolve(FakeHub.COMMIT);
    assertThat(Files.readSymbolicLink(snapshot.resolve("model.safetensors")))
        .isEqualTo(Path.of("..", "..", "blobs", TestData.sha256(WEIGHTS)));
    assertThat(Files.readSymbolicLink(snapshot.resolve("unet/diffusion_pytorch_model.safetensors")))
        .isEqualTo(Path.of("..", "..", "..", "blobs", TestData.sha256(UNET)));
    assertThat(Files.readSymbolicLink(snapshot.resolve("config.json")))
        .isEqualTo(Path.of("..", "..", "blobs", FakeHub.gitBlobSha1(CONFIG)));
    assertThat(Files.readAllBytes(snapshot.resolve("unet/diffusion_pytorch_model.safetensors"))).isEqualTo(UNET);
    assertThat(Files.readString(repo.resolve("refs/main"))).isEqualTo(FakeHub.COMMIT);
    assertThat(hubCache.resolve("CACHEDIR.TAG")).exists();
    assertThat(tmp.resolve("unused")).as("the plain folder is not used").doesNotExist();
    assertThat(result.files()).extracting(f -> f.path()).as("reported where Python tools look")
        .containsExactlyInAnyOrder(snapshot.resolve("model.safetensors"),
            snapshot.resolve("unet/diffusion_pytorch_model.safetensors"), snapshot.resolve("config.json"));
  }

  @Test
  void aSecondRunFindsEverythingInTheCacheAndTransfersNothing() throws Exception {
    try (Downloads d = downloads()) {
      d.download(snapshot());
      int cdnGets = cdnGets();
      assertThat(cdnGets).isPositive();
      int hubHeads = (int) fake.hubRequests().stream().filter(r -> r.getMethod().getName().equals("HEAD")).count();

      DownloadResult again = d.download(snapshot());

      assertThat(again.files()).hasSize(3).allSatisfy(f -> assertThat(f.status()).isEqualTo(Status.ALREADY_PRESENT));
      assertThat(again.bytesTransferred()).isZero();
      assertThat(cdnGets()).as("the CDN saw no GET the second time").isEqualTo(cdnGets);
      assertThat(fake.hubRequests().stream().filter(r -> r.getMethod().getName().equals("HEAD")).count())
          .isEqualTo(hubHeads);
    }
  }

  @Test
  void aSnapshotLinkLostFromTheCacheIsRecreatedWithoutDownloading() throws Exception {
    Path link = hubCache.resolve("models--org--tiny/snapshots/" + FakeHub.COMMIT + "/model.safetensors");
    try (Downloads d = downloads()) {
      d.download(snapshot());
      Files.delete(link);
      Files.writeString(hubCache.resolve("models--org--tiny/refs/main"), "stale");
      int cdnGets = cdnGets();

      d.download(snapshot());

      assertThat(cdnGets()).isEqualTo(cdnGets);
    }
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.readAllBytes(link)).isEqualTo(WEIGHTS);
    assertThat(Files.readString(hubCache.resolve("models--org--tiny/refs/main"))).isEqualTo(FakeHub.COMMIT);
  }

  @Test
  void aSingleFileGoesIntoTheCacheAtTheCommitTheHubNamed() throws Exception {
    Path other = tmp.resolve("explicit-cache");
    try (Downloads d = downloads()) {
      d.download(DownloadRequest.of("hf://org/tiny/unet/diffusion_pytorch_model.safetensors").into(tmp)
          .option(HuggingFaceResolver.OPTION_CACHE_DIR, other.toString()));
    }
    Path repo = other.resolve("models--org--tiny");
    assertThat(Files.readAllBytes(repo.resolve("snapshots/" + FakeHub.COMMIT
        + "/unet/diffusion_pytorch_model.safetensors"))).isEqualTo(UNET);
    assertThat(Files.readString(repo.resolve("refs/main"))).isEqualTo(FakeHub.COMMIT);
  }

  @Test
  void withSymlinksDisabledTheSnapshotHoldsTheFilesThemselvesAndNoBlobs() throws Exception {
    DownloadResult result;
    try (Downloads d = downloadsWithoutSymlinks("1")) {
      result = d.download(snapshot());
    }

    Path repo = hubCache.resolve("models--org--tiny");
    Path snapshot = repo.resolve("snapshots").resolve(FakeHub.COMMIT);
    for (Path p : new Path[] {snapshot.resolve("model.safetensors"),
        snapshot.resolve("unet/diffusion_pytorch_model.safetensors"), snapshot.resolve("config.json")}) {
      assertThat(Files.isSymbolicLink(p)).as("%s is a plain file", p).isFalse();
      assertThat(Files.isRegularFile(p)).isTrue();
    }
    assertThat(Files.readAllBytes(snapshot.resolve("model.safetensors"))).isEqualTo(WEIGHTS);
    assertThat(Files.readAllBytes(snapshot.resolve("unet/diffusion_pytorch_model.safetensors"))).isEqualTo(UNET);
    assertThat(Files.readAllBytes(snapshot.resolve("config.json"))).isEqualTo(CONFIG);
    assertThat(repo.resolve("blobs")).as("one copy on disk, not two").doesNotExist();
    try (Stream<Path> all = Files.walk(snapshot)) {
      assertThat(all.filter(Files::isRegularFile)).as("no partial, state or lock files left").hasSize(3);
    }
    assertThat(Files.readString(repo.resolve("refs/main"))).isEqualTo(FakeHub.COMMIT);
    assertThat(hubCache.resolve("CACHEDIR.TAG")).exists();
    assertThat(result.files()).extracting(f -> f.path())
        .containsExactlyInAnyOrder(snapshot.resolve("model.safetensors"),
            snapshot.resolve("unet/diffusion_pytorch_model.safetensors"), snapshot.resolve("config.json"));
  }

  @Test
  void withSymlinksDisabledASecondRunFindsTheSnapshotFilesAndTransfersNothing() throws Exception {
    try (Downloads d = downloadsWithoutSymlinks("true")) {
      d.download(snapshot());
      int cdnGets = cdnGets();

      DownloadResult again = d.download(snapshot());

      assertThat(again.files()).hasSize(3).allSatisfy(f -> assertThat(f.status()).isEqualTo(Status.ALREADY_PRESENT));
      assertThat(cdnGets()).isEqualTo(cdnGets);
    }
  }

  @Test
  void aCacheWrittenWithLinksIsReadWithSymlinksDisabledWithoutDownloading() throws Exception {
    try (Downloads d = downloads()) {
      d.download(snapshot());
    }
    int cdnGets = cdnGets();
    try (Downloads d = downloadsWithoutSymlinks("YES")) {
      DownloadResult again = d.download(snapshot());
      assertThat(again.files()).allSatisfy(f -> assertThat(f.status()).isEqualTo(Status.ALREADY_PRESENT));
    }
    assertThat(cdnGets()).isEqualTo(cdnGets);
  }

  @Test
  void symlinksStayOnForValuesHuggingfaceHubReadsAsFalse() throws Exception {
    try (Downloads d = downloadsWithoutSymlinks("0")) {
      d.download(snapshot());
    }
    assertThat(Files.isSymbolicLink(hubCache.resolve("models--org--tiny/snapshots/" + FakeHub.COMMIT
        + "/model.safetensors"))).isTrue();
    assertThat(HubOptions.isTrue(" on ")).isTrue();
    assertThat(HubOptions.isTrue("no")).isFalse();
  }

  @Test
  void aFileTheHubSaysIsMissingGetsANoExistMarkerAtTheCommit() throws Exception {
    fake.error("HEAD", "/org/tiny/resolve/main/adapter_config.json", 404, "EntryNotFound", "Entry not found",
        "X-Repo-Commit", FakeHub.COMMIT);
    try (Downloads d = downloads()) {
      assertThatThrownBy(() -> d.download(DownloadRequest.of("hf://org/tiny/adapter_config.json").into(tmp)
          .option(HuggingFaceResolver.OPTION_CACHE, "true")))
          .isInstanceOfSatisfying(DownloadException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
    }
    Path marker = hubCache.resolve("models--org--tiny/.no_exist/" + FakeHub.COMMIT + "/adapter_config.json");
    assertThat(marker).isEmptyFile();
  }

  @Test
  void noMarkerIsLeftOutsideTheCache() throws Exception {
    fake.error("HEAD", "/org/tiny/resolve/main/adapter_config.json", 404, "EntryNotFound", "Entry not found",
        "X-Repo-Commit", FakeHub.COMMIT);
    try (Downloads d = downloads()) {
      assertThatThrownBy(() -> d.download(DownloadRequest.of("hf://org/tiny/adapter_config.json").into(tmp)))
          .isInstanceOf(DownloadException.class);
    }
    assertThat(hubCache).doesNotExist();
    assertThat(tmp.resolve("adapter_config.json")).doesNotExist();
  }

  @Test
  void whereLinksCannotBeMadeTheSnapshotGetsACopyAndTheBlobStays() throws Exception {
    Path blob = Files.write(Files.createDirectories(tmp.resolve("repo/blobs")).resolve("abc"), UNET);
    Path pointer = Files.createDirectories(tmp.resolve("repo/snapshots/c/unet")).resolve("w.safetensors");
    HubCache.Linker windowsWithoutDeveloperMode = (link, target) -> {
      throw new java.nio.file.FileSystemException(link.toString(), null, "A required privilege is not held by the client");
    };

    assertThat(HubCache.linkOrCopy(blob, pointer, windowsWithoutDeveloperMode)).as("reported as a copy").isTrue();

    assertThat(Files.isSymbolicLink(pointer)).isFalse();
    assertThat(Files.readAllBytes(pointer)).isEqualTo(UNET);
    assertThat(Files.readAllBytes(blob)).isEqualTo(UNET);
    try (Stream<Path> left = Files.list(pointer.getParent())) {
      assertThat(left).as("no temporary file left").containsExactly(pointer);
    }
    assertThat(HubCache.linkOrCopy(blob, pointer, (link, target) -> Files.createSymbolicLink(link, target)))
        .as("a later run where links work replaces the copy with a link").isFalse();
    assertThat(Files.readSymbolicLink(pointer)).isEqualTo(Path.of("..", "..", "..", "blobs", "abc"));
  }

  @Test
  void aPathFromTheHubThatWouldLeaveTheSnapshotIsRefused() {
    HubCache cache = HubCache.of(tmp, new HubLocation(RepoType.MODEL, "org/tiny", null, null, false));
    for (String bad : new String[] {"../../../etc/passwd", "a/../../b", "/abs", "a//b", "./a"}) {
      assertThatThrownBy(() -> cache.pointer(FakeHub.COMMIT, bad)).isInstanceOfSatisfying(DownloadException.class,
          e -> assertThat(e.kind()).isEqualTo(Kind.UNEXPECTED_RESPONSE));
    }
  }

  @Test
  void aRevisionThatWouldLeaveTheRefsFolderIsRefused() throws Exception {
    HubCache cache = HubCache.of(tmp, new HubLocation(RepoType.MODEL, "org/tiny", null, null, false));
    Path blob = cache.blob(TestData.sha256(UNET));
    Files.createDirectories(blob.getParent());
    Files.write(blob, UNET);
    assertThatThrownBy(() -> cache.link(blob, FakeHub.COMMIT, "x.bin", "../../../escape"))
        .isInstanceOf(DownloadException.class);
    assertThat(tmp.getParent().resolve("escape")).doesNotExist();
  }

  @Test
  void linksPlantedInTheCacheAreRefusedAndWhatTheyPointToIsUntouched() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Path victim = Files.writeString(outside.resolve("victim.txt"), "the user's own file");
    Path repo = Files.createDirectories(hubCache.resolve("models--org--tiny"));
    Path ref = Files.createSymbolicLink(Files.createDirectories(repo.resolve("refs")).resolve("main"), victim);
    Path weightsPart = Files.createSymbolicLink(
        Files.createDirectories(repo.resolve("blobs")).resolve(TestData.sha256(WEIGHTS) + ".part"), victim);
    try (Downloads d = downloads()) {
      assertThatThrownBy(() -> d.download(snapshot())).isInstanceOfSatisfying(DownloadException.class,
          e -> assertThat(e.getMessage()).contains("refusing to write through " + weightsPart));
      Files.delete(weightsPart);
      assertThatThrownBy(() -> d.download(snapshot())).isInstanceOfSatisfying(DownloadException.class,
          e -> assertThat(e.getMessage()).contains("refusing to write through " + ref));
    }
    assertThat(Files.readString(victim)).isEqualTo("the user's own file");
    assertThat(Files.isSymbolicLink(ref)).isTrue();
  }

  @Test
  void aLinkedFolderInsideTheCacheIsNotFollowed() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Path repo = Files.createDirectories(hubCache.resolve("models--org--tiny"));
    Path snapshots = Files.createSymbolicLink(repo.resolve("snapshots"), outside);
    try (Downloads d = downloads()) {
      assertThatThrownBy(() -> d.download(snapshot())).isInstanceOfSatisfying(DownloadException.class,
          e -> assertThat(e.getMessage()).contains(snapshots.toString()).contains("symbolic link"));
    }
    try (Stream<Path> left = Files.list(outside)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void aLongFileNameFitsWithTheCachesTemporaryNames() throws Exception {
    Path blob = Files.write(Files.createDirectories(tmp.resolve("repo/blobs")).resolve("abc"), UNET);
    Path pointer = Files.createDirectories(tmp.resolve("repo/snapshots/c")).resolve("é".repeat(125) + ".bin");
    assertThat(HubCache.linkOrCopy(blob, pointer, (link, target) -> Files.createSymbolicLink(link, target))).isFalse();
    assertThat(Files.readAllBytes(pointer)).isEqualTo(UNET);
  }

  private int cdnGets() {
    return (int) fake.cdnRequests().stream().filter(r -> r.method().equals("GET")).count();
  }
}
