package io.modelfetch.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.modelfetch.testing.FakeOrigin;
import io.modelfetch.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line against CivitAI on loopback: WireMock as the site ({@code localhost}), a
 * {@link FakeOrigin} as the presigned storage it redirects to ({@code 127.0.0.1}), found through
 * {@code CIVITAI_ENDPOINT}.
 */
class CivitaiCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static WireMockServer civitai;
  private static FakeOrigin storage;

  @TempDir
  Path dir;
  private final byte[] model = TestData.bytes(400_000, 11);
  private final String sha256 = TestData.sha256(model);
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeAll
  static void start() throws Exception {
    civitai = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    civitai.start();
    storage = FakeOrigin.start();
  }

  @AfterAll
  static void stop() {
    civitai.stop();
    storage.close();
  }

  @BeforeEach
  void stubCivitai() throws Exception {
    civitai.resetAll();
    ObjectNode version = JSON.createObjectNode();
    version.put("id", 130072);
    version.put("modelId", 4201);
    version.put("name", "v6.0 (B1)");
    version.put("baseModel", "SD 1.5");
    version.putArray("trainedWords");
    ObjectNode m = version.putObject("model");
    m.put("name", "Realistic Vision V6.0 B1");
    m.put("type", "Checkpoint");
    m.put("nsfw", false);
    ObjectNode file = version.putArray("files").addObject();
    file.put("id", 96010);
    file.put("name", "realisticVisionV60B1_v60B1VAE.safetensors");
    file.put("type", "Model");
    file.put("sizeKB", model.length / 1024.0);
    file.putObject("metadata").put("format", "SafeTensor").put("fp", "fp16");
    file.putObject("hashes").put("SHA256", sha256.toUpperCase(Locale.ROOT));
    file.put("primary", true);
    version.putArray("images");
    String text = JSON.writeValueAsString(version);
    civitai.stubFor(get(urlPathEqualTo("/api/v1/model-versions/130072")).willReturn(okJson(text)));
    civitai.stubFor(get(urlPathEqualTo("/api/v1/model-versions/by-hash/" + sha256)).willReturn(okJson(text)));
    storage.file("/delivery/realisticVisionV60B1.safetensors", model);
    civitai.stubFor(get(urlPathEqualTo("/api/download/models/130072")).withQueryParam("fileId", equalTo("96010"))
        .willReturn(aResponse().withStatus(307).withHeader("Location",
            storage.url("/delivery/realisticVisionV60B1.safetensors") + "?X-Amz-Signature=abc")));
  }

  private Map<String, String> environment() {
    return Map.of("CIVITAI_ENDPOINT", "http://localhost:" + civitai.port(), "CIVITAI_TOKEN", "cli-s3cret");
  }

  private int run(String... args) {
    return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), environment());
  }

  @Test
  void downloadsAModelPageUrlWithTheEndpointAndTokenFromTheEnvironment() throws Exception {
    int status = run("https://civitai.com/models/4201?modelVersionId=130072", "-o", dir.toString(), "-q");

    assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
    Path target = dir.resolve("realisticVisionV60B1_v60B1VAE.safetensors");
    assertThat(out.toString(StandardCharsets.UTF_8).strip()).isEqualTo(target.toAbsolutePath().toString());
    assertThat(TestData.sha256(Files.readAllBytes(target))).isEqualTo(sha256);
    assertThat(dir.resolve("realisticVisionV60B1_v60B1VAE.civitai.info")).exists();
    assertThat(civitai.getAllServeEvents()).isNotEmpty().allSatisfy(e ->
        assertThat(e.getRequest().getHeader("Authorization")).isEqualTo("Bearer cli-s3cret"));
    assertThat(storage.requests()).isNotEmpty().allSatisfy(r -> assertThat(r.header("Authorization")).isEmpty());
  }

  @Test
  void aChildProcessFindsTheEndpointAndTokenInItsRealEnvironment() throws Exception {
    CliProcess child = CliProcess.start(dir.resolve("child.log"), environment(),
        "https://civitai.com/api/download/models/130072?token=url-s3cret", "-o", dir.toString(), "-q");
    int exit = child.await(60);
    String output = child.output();

    assertThat(exit).as(output).isZero();
    assertThat(output).contains("realisticVisionV60B1_v60B1VAE.safetensors").doesNotContain("s3cret");
    assertThat(TestData.sha256(Files.readAllBytes(dir.resolve("realisticVisionV60B1_v60B1VAE.safetensors"))))
        .isEqualTo(sha256);
    assertThat(civitai.getAllServeEvents()).isNotEmpty().allSatisfy(e ->
        assertThat(e.getRequest().getHeader("Authorization")).isEqualTo("Bearer url-s3cret"));
    assertThat(storage.requests()).allSatisfy(r -> assertThat(r.header("Authorization")).isEmpty());
  }

  @Test
  void anAuthenticationFailureExitsWith4AndSaysWhichVariableToSet() {
    civitai.stubFor(get(urlPathEqualTo("/api/download/models/130072")).willReturn(aResponse().withStatus(401)
        .withHeader("Content-Type", "application/json").withBody("{\"error\":\"Unauthorized\",\"message\":"
            + "\"The creator of this asset requires you to be logged in to download it\"}")));
    int status = run("civitai:4201@130072", "-o", dir.toString(), "-q");
    assertThat(status).isEqualTo(4);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("CIVITAI_TOKEN", "civitai.com/user/account")
        .doesNotContain("s3cret");
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void identifyLooksUpModelFilesInAFolderAndWritesTheirSidecars() throws Exception {
    Path checkpoint = Files.write(Files.createDirectories(dir.resolve("Stable-diffusion")).resolve("rv6.safetensors"), model);
    Files.writeString(dir.resolve("Stable-diffusion").resolve("notes.txt"), "not a model");

    int status = run("identify", dir.toString(), "--a1111-json");

    assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(checkpoint + ": Realistic Vision V6.0 B1 / v6.0 (B1)"
        + " (Checkpoint, SD 1.5) https://civitai.com/models/4201?modelVersionId=130072" + System.lineSeparator());
    assertThat(JSON.readTree(dir.resolve("Stable-diffusion/rv6.civitai.info").toFile()).path("id").asLong())
        .isEqualTo(130072);
    assertThat(Files.readString(dir.resolve("Stable-diffusion/rv6.json"))).contains("\"sd version\": \"SD1\"");
    List<String> lookups = civitai.getAllServeEvents().stream().map(e -> e.getRequest())
        .map(LoggedRequest::getUrl).filter(u -> u.contains("by-hash")).toList();
    assertThat(lookups).containsExactly("/api/v1/model-versions/by-hash/" + sha256);

    out.reset();
    assertThat(run("identify", dir.toString())).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).as("already identified files are skipped in folders").isEmpty();
  }

  @Test
  void identifyOfAFileCivitaiDoesNotKnowExitsWith3() throws Exception {
    Path unknown = Files.write(dir.resolve("mine.safetensors"), new byte[] {1, 2, 3});
    int status = run("identify", unknown.toString(), "-q");
    assertThat(status).isEqualTo(3);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("mine.safetensors", "CivitAI knows no model file");
    assertThat(dir.resolve("mine.civitai.info")).as("Civitai Helper's mark for an unknown file").hasContent("{}");
  }

  @Test
  void aFolderSearchSkipsFilesMarkedUnknownUntilRefreshAndNeverOverwritesAnAnswer() throws Exception {
    Path unknown = Files.write(dir.resolve("mine.safetensors"), new byte[] {1, 2, 3});
    Path known = Files.write(dir.resolve("other.safetensors"), new byte[] {4, 5, 6});
    Files.writeString(dir.resolve("other.civitai.info"), "{\"id\": 7}");
    assertThat(run("identify", unknown.toString(), "-q")).isEqualTo(3);
    civitai.resetRequests();

    assertThat(run("identify", dir.toString(), "-q")).isZero();
    assertThat(civitai.getAllServeEvents()).as("both files have an info file: nothing to ask").isEmpty();

    assertThat(run("identify", dir.toString(), "-q", "--refresh")).isEqualTo(3);
    assertThat(civitai.getAllServeEvents()).hasSize(2);
    assertThat(dir.resolve("other.civitai.info")).as("an earlier answer is kept").hasContent("{\"id\": 7}");
    assertThat(dir.resolve("mine.civitai.info")).hasContent("{}");
    assertThat(known).exists();
  }

  @Test
  void helpListsTheIdentifyCommand() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("identify");
    out.reset();
    assertThat(run("identify", "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--a1111-json", "CIVITAI_TOKEN", ".civitai.info");
  }
}
