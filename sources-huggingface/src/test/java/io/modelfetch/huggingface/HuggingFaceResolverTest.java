package io.modelfetch.huggingface;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.request;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.Secret;
import io.modelfetch.spi.RemoteFile;
import io.modelfetch.spi.SourceRequest;
import io.modelfetch.testing.TestData;
import io.modelfetch.testing.TestResolverContext;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the resolver asks the Hub and which RemoteFiles it hands the engine. */
class HuggingFaceResolverTest {
  private static final byte[] WEIGHTS = TestData.bytes(300_000, 1);
  private static final byte[] CONFIG = "{\"model_type\": \"tiny\"}\n".getBytes(StandardCharsets.UTF_8);

  @TempDir
  Path dir;
  private FakeHub fake;

  static HuggingFaceResolver resolver() {
    return new HuggingFaceResolver();
  }

  @BeforeEach
  void start() throws Exception {
    fake = FakeHub.start();
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  private TestResolverContext context(Secret token) {
    return TestResolverContext.forService("huggingface").withEndpoint(fake.base()).withToken(token)
        .withEnv(Map.of("HOME", dir.toString()));
  }

  private List<RemoteFile> resolve(String url, TestResolverContext context, String... options)
      throws DownloadException {
    Map<String, String> opts = FakeHub.env(options);
    return resolver().resolve(new SourceRequest(url, opts, dir), context);
  }

  @Test
  void anLfsFileResolvesToTheSignedCdnUrlWithTheTokenScopedToTheHub() throws Exception {
    fake.repo("", "org/name").lfs("model.safetensors", WEIGHTS);

    List<RemoteFile> files = resolve("https://huggingface.co/org/name/resolve/main/model.safetensors",
        context(Secret.of("hf_builder")));

    assertThat(files).hasSize(1);
    RemoteFile f = files.get(0);
    assertThat(f.url().getHost()).isEqualTo("localhost");
    assertThat(f.url().getQuery()).contains("X-Amz-Signature");
    assertThat(f.refreshUrl()).isEqualTo(URI.create(fake.base() + "/org/name/resolve/" + FakeHub.COMMIT
        + "/model.safetensors"));
    assertThat(f.sha256()).contains(TestData.sha256(WEIGHTS));
    assertThat(f.gitBlobSha1()).isEmpty();
    assertThat(f.size()).isEqualTo(WEIGHTS.length);
    assertThat(f.fileName()).contains("model.safetensors");
    assertThat(f.relativePath()).isEmpty();
    assertThat(f.identity()).doesNotContain("s1gn4tur3").contains("org/name/model.safetensors");
    assertThat(f.headers()).hasSize(1);
    assertThat(f.headers().get(0).appliesTo(f.refreshUrl())).isTrue();
    assertThat(f.headers().get(0).appliesTo(f.url())).isFalse();
    assertThat(f.metadata().attributes()).containsEntry("huggingface.commit", FakeHub.COMMIT)
        .containsEntry("huggingface.revision", "main").containsEntry("huggingface.path", "model.safetensors");

    List<LoggedRequest> hub = fake.hubRequests();
    assertThat(hub).hasSize(1);
    assertThat(hub.get(0).getMethod().getName()).isEqualTo("HEAD");
    assertThat(hub.get(0).getUrl()).isEqualTo("/org/name/resolve/main/model.safetensors");
    assertThat(hub.get(0).getHeader("Authorization")).isEqualTo("Bearer hf_builder");
    assertThat(hub.get(0).getHeader("Accept-Encoding")).isEqualTo("identity");
    assertThat(fake.cdnRequests()).as("the resolver itself never follows the CDN redirect").isEmpty();
  }

  @Test
  void aSmallGitFileIsFetchedFromTheHubAndCarriesItsGitBlobId() throws Exception {
    fake.repo("", "org/name").git("config.json", CONFIG);

    RemoteFile f = resolve("hf://org/name/config.json", context(null)).get(0);

    assertThat(f.url()).isEqualTo(URI.create(fake.base() + "/org/name/resolve/main/config.json"));
    assertThat(f.gitBlobSha1()).contains(FakeHub.gitBlobSha1(CONFIG));
    assertThat(f.sha256()).isEmpty();
    assertThat(f.size()).isEqualTo(CONFIG.length);
    assertThat(f.headers()).as("no token anywhere").isEmpty();
    assertThat(fake.hubRequests().get(0).containsHeader("Authorization")).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      https://huggingface.co/org/name/blob/main/unet/m.bin               | ''          | org/name | main          | unet/m.bin          | /org/name/resolve/main/unet/m.bin
      https://huggingface.co/org/name/raw/main/m.bin                     | ''          | org/name | main          | m.bin               | /org/name/resolve/main/m.bin
      https://hf.co/gpt2/resolve/main/m.bin                              | ''          | gpt2     | main          | m.bin               | /gpt2/resolve/main/m.bin
      https://huggingface.co/datasets/org/set/resolve/main/data/t.bin    | datasets/   | org/set  | main          | data/t.bin          | /datasets/org/set/resolve/main/data/t.bin
      https://huggingface.co/spaces/org/app/resolve/v1.0/app.bin         | spaces/     | org/app  | v1.0          | app.bin             | /spaces/org/app/resolve/v1.0/app.bin
      https://huggingface.co/org/name/resolve/refs/pr/1/m.bin            | ''          | org/name | refs%2Fpr%2F1 | m.bin               | /org/name/resolve/refs%2Fpr%2F1/m.bin
      https://huggingface.co/org/name/blob/refs%2Fpr%2F1/m.bin           | ''          | org/name | refs%2Fpr%2F1 | m.bin               | /org/name/resolve/refs%2Fpr%2F1/m.bin
      hf://org/name@refs/pr/1/m.bin                                      | ''          | org/name | refs%2Fpr%2F1 | m.bin               | /org/name/resolve/refs%2Fpr%2F1/m.bin
      hf://datasets/org/set@v1.0/data/t.bin                              | datasets/   | org/set  | v1.0          | data/t.bin          | /datasets/org/set/resolve/v1.0/data/t.bin
      hf://spaces/org/app/app.bin                                        | spaces/     | org/app  | main          | app.bin             | /spaces/org/app/resolve/main/app.bin
      https://huggingface.co/org/name/resolve/main/my%20dir/m%C3%BC.bin  | ''          | org/name | main          | my dir/mü.bin       | /org/name/resolve/main/my%20dir/m%C3%BC.bin
      """)
  void everyUrlFormAsksTheHubForTheRightFile(String url, String prefix, String repo, String revisionInUrl,
      String path, String expectedHead) throws Exception {
    fake.repo(prefix, repo).lfs(path, WEIGHTS, revisionInUrl);

    RemoteFile f = resolve(url, context(null)).get(0);

    assertThat(fake.hubRequests()).singleElement().satisfies(r -> {
      assertThat(r.getMethod().getName()).isEqualTo("HEAD");
      assertThat(r.getUrl()).isEqualTo(expectedHead);
    });
    assertThat(f.url().getHost()).isEqualTo("localhost");
    assertThat(f.fileName()).contains(path.substring(path.lastIndexOf('/') + 1));
    assertThat(f.refreshUrl().getRawPath()).isEqualTo(expectedHead.replace("/" + revisionInUrl + "/",
        "/" + FakeHub.COMMIT + "/"));
  }

  @Test
  void followsTheHubsRelativeRedirectForARenamedRepositoryKeepingTheToken() throws Exception {
    fake.repo("", "new-org/name").lfs("m.bin", WEIGHTS);
    fake.hub.stubFor(request("HEAD", urlPathEqualTo("/old-org/name/resolve/main/m.bin"))
        .willReturn(aResponse().withStatus(307).withHeader("Location", "/new-org/name/resolve/main/m.bin")));

    RemoteFile f = resolve("https://huggingface.co/old-org/name/resolve/main/m.bin", context(Secret.of("hf_tok")))
        .get(0);

    assertThat(f.url().getHost()).isEqualTo("localhost");
    assertThat(f.sha256()).contains(TestData.sha256(WEIGHTS));
    assertThat(fake.hubRequests()).extracting(LoggedRequest::getUrl)
        .containsExactlyInAnyOrder("/old-org/name/resolve/main/m.bin", "/new-org/name/resolve/main/m.bin");
    assertThat(fake.hubRequests()).allSatisfy(r -> assertThat(r.getHeader("Authorization")).isEqualTo("Bearer hf_tok"));
  }

  @Test
  void aRedirectsContentLengthIsNeverTakenForTheFileSize() throws Exception {
    fake.hub.stubFor(request("HEAD", urlPathEqualTo("/org/name/resolve/main/m.bin")).willReturn(aResponse()
        .withStatus(302).withHeader("Location", fake.cdn.urlOnOtherHost("/x?sig=1"))
        .withHeader("X-Repo-Commit", FakeHub.COMMIT).withHeader("X-Linked-Etag", "\"" + TestData.sha256(WEIGHTS) + "\"")
        .withBody("Found. Redirecting to somewhere")));

    RemoteFile f = resolve("hf://org/name/m.bin", context(null)).get(0);

    assertThat(f.size()).as("unknown, for the engine to learn from the CDN").isEqualTo(-1);
    assertThat(f.sha256()).contains(TestData.sha256(WEIGHTS));
  }

  @Test
  void anAnswerWithoutXRepoCommitIsNotTheHub() {
    fake.hub.stubFor(request("HEAD", urlPathEqualTo("/org/name/resolve/main/m.bin"))
        .willReturn(aResponse().withStatus(200).withBody("hello")));

    assertThatThrownBy(() -> resolve("hf://org/name/m.bin", context(null)))
        .isInstanceOfSatisfying(DownloadException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNEXPECTED_RESPONSE))
        .hasMessageContaining("X-Repo-Commit").hasMessageContaining("HF_ENDPOINT");
  }

  @Test
  void aSnapshotListsEveryPageAtOneCommitAndFiltersWithGlobs() throws Exception {
    byte[] small = TestData.bytes(1000, 2);
    fake.repo("", "org/name")
        .git(".gitattributes", CONFIG)
        .git("config.json", CONFIG)
        .lfs("model.safetensors", WEIGHTS)
        .lfs("model.fp16.safetensors", small)
        .lfs("unet/diffusion_pytorch_model.safetensors", small)
        .git("unet/config.json", CONFIG)
        .git("text_encoder/deep/er/config.json", CONFIG)
        .publish("main", 2);

    List<RemoteFile> files = resolve("https://huggingface.co/org/name", context(Secret.of("hf_tok")),
        "huggingface.include", "*.json,*.safetensors", "huggingface.exclude", "*fp16*");

    assertThat(files).extracting(f -> f.relativePath().orElseThrow()).containsExactly("config.json",
        "model.safetensors", "unet/diffusion_pytorch_model.safetensors", "unet/config.json",
        "text_encoder/deep/er/config.json");
    assertThat(files).allSatisfy(f -> {
      assertThat(f.metadata().attributes()).containsEntry("huggingface.commit", FakeHub.COMMIT);
      assertThat(f.fileName()).isEmpty();
    });
    List<String> heads = fake.hubRequests().stream().filter(r -> r.getMethod().getName().equals("HEAD"))
        .map(LoggedRequest::getUrl).toList();
    assertThat(heads).hasSize(5).allSatisfy(u -> assertThat(u).contains("/resolve/" + FakeHub.COMMIT + "/"));
    List<LoggedRequest> pages = fake.hubRequests().stream().filter(r -> r.getUrl().contains("/tree/")).toList();
    assertThat(pages).as("11 entries (4 folders) at 2 a page").hasSize(6)
        .allSatisfy(r -> assertThat(r.getHeader("Authorization")).isEqualTo("Bearer hf_tok"));
    assertThat(fake.hubRequests()).filteredOn(r -> r.getUrl().equals("/api/models/org/name/revision/main")).hasSize(1);
  }

  @Test
  void aSnapshotAtACommitNeedsNoRevisionLookup() throws Exception {
    fake.repo("datasets/", "org/set").git("a.json", CONFIG).publish("main", 100);

    List<RemoteFile> files = resolve("hf://datasets/org/set@" + FakeHub.COMMIT, context(null));

    assertThat(files).singleElement().satisfies(f -> assertThat(f.relativePath()).contains("a.json"));
    assertThat(fake.hubRequests()).noneMatch(r -> r.getUrl().contains("/revision/"));
  }

  @Test
  void aTreeUrlListsOnlyThatFolder() throws Exception {
    fake.repo("", "org/name").git("unet/config.json", CONFIG);
    fake.hub.stubFor(get(urlPathEqualTo("/api/models/org/name/revision/refs%2Fpr%2F2")).willReturn(aResponse()
        .withBody("{\"sha\":\"" + FakeHub.COMMIT + "\"}")));
    fake.hub.stubFor(get(urlPathEqualTo("/api/models/org/name/tree/" + FakeHub.COMMIT + "/unet")).willReturn(aResponse()
        .withBody("[{\"type\":\"file\",\"oid\":\"" + FakeHub.gitBlobSha1(CONFIG) + "\",\"size\":" + CONFIG.length
            + ",\"path\":\"unet/config.json\"}]")));

    List<RemoteFile> files = resolve("https://huggingface.co/org/name/tree/refs%2Fpr%2F2/unet", context(null));

    assertThat(files).singleElement().satisfies(f -> {
      assertThat(f.relativePath()).contains("unet/config.json");
      assertThat(f.metadata().attributes()).containsEntry("huggingface.revision", "refs/pr/2");
    });
  }

  @Test
  void aSnapshotWhoseFilterMatchesNothingSaysSo() {
    fake.repo("", "org/name").git("config.json", CONFIG).publish("main", 100);

    assertThatThrownBy(() -> resolve("hf://org/name", context(null), "huggingface.include", "*.gguf"))
        .isInstanceOfSatisfying(DownloadException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND))
        .hasMessageContaining("none of the 1 files").hasMessageContaining("*.gguf");
  }

  @Test
  void filesAlreadyInTheFolderNeedNoMetadataRequest() throws Exception {
    fake.repo("", "org/name").git("config.json", CONFIG).lfs("sub/model.bin", WEIGHTS).publish("main", 100);
    java.nio.file.Files.createDirectories(dir.resolve("sub"));
    java.nio.file.Files.write(dir.resolve("sub/model.bin"), WEIGHTS);

    List<RemoteFile> files = resolve("hf://org/name", context(null));

    assertThat(fake.hubRequests()).filteredOn(r -> r.getMethod().getName().equals("HEAD"))
        .extracting(LoggedRequest::getUrl).containsExactly("/org/name/resolve/" + FakeHub.COMMIT + "/config.json");
    RemoteFile present = files.get(1);
    assertThat(present.url()).as("only fetched if the local copy fails verification")
        .isEqualTo(present.refreshUrl());
    assertThat(present.sha256()).contains(TestData.sha256(WEIGHTS));
    assertThat(present.size()).isEqualTo(WEIGHTS.length);
  }

  @Test
  void inCacheModeFilesGoToBlobsNamedByTheirEtag() throws Exception {
    fake.repo("", "org/name").git("config.json", CONFIG).lfs("unet/model.bin", WEIGHTS).publish("main", 100);
    Path cache = dir.resolve("hub");

    List<RemoteFile> files = resolve("hf://org/name", context(null), "huggingface.cacheDir", cache.toString());

    Path repo = cache.resolve("models--org--name");
    assertThat(files).extracting(f -> f.target().orElseThrow()).containsExactly(
        repo.resolve("blobs").resolve(FakeHub.gitBlobSha1(CONFIG)),
        repo.resolve("blobs").resolve(TestData.sha256(WEIGHTS)));
  }

  @Test
  void theRevisionOptionAppliesWhenTheUrlNamesNoneAndConflictsOtherwise() throws Exception {
    fake.repo("", "org/name").lfs("m.bin", WEIGHTS, "v2");

    resolve("hf://org/name/m.bin", context(null), "huggingface.revision", "v2");
    assertThat(fake.hubRequests()).singleElement()
        .satisfies(r -> assertThat(r.getUrl()).isEqualTo("/org/name/resolve/v2/m.bin"));

    assertThatThrownBy(() -> resolve("hf://org/name@v1/m.bin", context(null), "huggingface.revision", "v2"))
        .isInstanceOfSatisfying(DownloadException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_REQUEST));
  }

  @Test
  void patternsOnASingleFileAreReportedAsIgnored() throws Exception {
    fake.repo("", "org/name").lfs("m.bin", WEIGHTS);
    TestResolverContext context = context(null);

    resolve("hf://org/name/m.bin", context, "huggingface.include", "*.json");

    assertThat(context.notices()).singleElement().asString().contains("ignored");
  }

  @Test
  void theEndpointComesFromTheBuilderElseHfEndpoint() throws Exception {
    fake.repo("", "org/name").lfs("m.bin", WEIGHTS);
    TestResolverContext viaEnv = TestResolverContext.forService("huggingface")
        .withEnv(Map.of("HOME", dir.toString(), "HF_ENDPOINT", fake.base() + "/"));

    RemoteFile f = resolve("https://huggingface.co/org/name/resolve/main/m.bin", viaEnv).get(0);

    assertThat(f.refreshUrl().toString()).startsWith(fake.base() + "/org/name/resolve/");
    TestResolverContext broken = TestResolverContext.forService("huggingface")
        .withEnv(Map.of("HOME", dir.toString(), "HF_ENDPOINT", "hf-mirror.com"));
    assertThatThrownBy(() -> resolve("hf://org/name/m.bin", broken))
        .isInstanceOfSatisfying(DownloadException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_REQUEST))
        .hasMessageContaining("HF_ENDPOINT");
  }
}
