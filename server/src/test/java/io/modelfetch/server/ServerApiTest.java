package io.modelfetch.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfetch.testing.FakeOrigin;
import io.modelfetch.testing.TestData;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON API and its event stream, through a real HTTP client, downloading from the fake origin. */
class ServerApiTest {
  private static final String CIVITAI_TOKEN = "civitai-secret-7c1f0e";
  private static final String HF_TOKEN = "hf_secret_5b2d9a";

  @TempDir
  Path models;
  private FakeOrigin origin;
  private ModelServer server;
  private ApiClient api;

  @BeforeEach
  void start() throws Exception {
    origin = FakeOrigin.start();
    server = ModelServer.start(new ServerConfig("127.0.0.1", 0, models, true, Map.of(
        "CIVITAI_TOKEN", CIVITAI_TOKEN, "HF_TOKEN", HF_TOKEN, "CIVITAI_ENDPOINT", origin.url(""))));
    api = new ApiClient(server.uri());
  }

  @AfterEach
  void stop() {
    server.close();
    origin.close();
    assertThat(String.join("\n", api.transcript)).doesNotContain(CIVITAI_TOKEN).doesNotContain(HF_TOKEN);
  }

  @Test
  void downloadsIntoTheChosenFolderAndListsIt() throws Exception {
    byte[] body = TestData.bytes(3 << 20, 1);
    origin.file("/model.safetensors", body);
    ApiClient.Answer started = api.post("/api/downloads",
        "{\"url\": \"" + origin.url("/model.safetensors") + "\", \"folder\": \"checkpoints\", \"sha256\": \""
            + TestData.sha256(body) + "\"}");
    assertThat(started.status()).isEqualTo(201);
    String id = started.json().path("id").asText();

    JsonNode done = api.awaitState(id, "completed");
    assertThat(done.path("progress").path("fraction").asDouble()).isEqualTo(1.0);
    assertThat(done.path("progress").path("bytesDone").asLong()).isEqualTo(body.length);
    assertThat(done.path("files").get(0).path("name").asText()).isEqualTo("model.safetensors");
    assertThat(done.path("files").get(0).path("state").asText()).isEqualTo("done");
    assertThat(Files.readAllBytes(models.resolve("checkpoints/model.safetensors"))).isEqualTo(body);

    JsonNode all = api.get("/api/downloads").json().path("downloads");
    assertThat(all).hasSize(1);
    assertThat(all.get(0).path("state").asText()).isEqualTo("completed");
    JsonNode installed = api.get("/api/models").json();
    assertThat(installed.path("folders").toString()).contains("checkpoints", "loras", "vae", "embeddings", "hf");
    assertThat(installed.path("models").get(0).path("file").asText()).isEqualTo("model.safetensors");
    assertThat(installed.path("models").get(0).path("size").asLong()).isEqualTo(body.length);
  }

  @Test
  void eventStreamCarriesTheListenerEventsInOrder() throws Exception {
    origin.file("/lora.safetensors", TestData.bytes(2 << 20, 2)).throttle(4 << 20);
    HttpResponse<Stream<String>> stream = api.http.send(HttpRequest.newBuilder(server.uri().resolve("/api/events"))
        .build(), HttpResponse.BodyHandlers.ofLines());
    assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
    CompletableFuture<List<String[]>> events = CompletableFuture.supplyAsync(() -> readUntil(stream.body(), "completed"));
    String id = api.post("/api/downloads", "{\"url\": \"" + origin.url("/lora.safetensors") + "\", \"folder\": \"loras\"}")
        .json().path("id").asText();

    List<String[]> received = events.get(60, java.util.concurrent.TimeUnit.SECONDS);
    List<String> names = new ArrayList<>();
    for (String[] e : received) {
      names.add(e[0]);
      JsonNode data = ApiClient.JSON.readTree(e[1]);
      if (!e[0].equals("snapshot")) {
        assertThat(data.path("download").path("id").asText()).as(e[0]).isEqualTo(id);
      }
      api.transcript.add(e[1]);
    }
    assertThat(names.get(0)).isEqualTo("snapshot");
    assertThat(names).containsSubsequence("queued", "resolved", "started", "fileStarted", "progress", "verifying",
        "fileCompleted", "completed");
    assertThat(names.indexOf("completed")).isEqualTo(names.size() - 1);

    // one download's stream: the snapshot of a finished download, then the stream ends
    HttpResponse<String> finished = api.http.send(HttpRequest.newBuilder(server.uri().resolve("/api/downloads/" + id + "/events"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(finished.body()).startsWith("retry: 2000").contains("event: snapshot").contains("\"state\":\"completed\"");
  }

  @Test
  void pauseStopsTheTransferAndResumeContinuesFromTheBytesOnDisk() throws Exception {
    byte[] body = TestData.bytes(4 << 20, 3);
    origin.file("/big.safetensors", body).throttle(64 << 10);
    String id = api.post("/api/downloads", "{\"url\": \"" + origin.url("/big.safetensors") + "\", \"folder\": \"checkpoints\"}")
        .json().path("id").asText();
    awaitBytes(id, 256 << 10);

    ApiClient.Answer paused = api.post("/api/downloads/" + id + "/pause", "{}");
    assertThat(paused.status()).isEqualTo(200);
    assertThat(paused.json().path("state").asText()).isEqualTo("paused");
    Thread.sleep(300);
    long servedAtPause = origin.bodyBytesServed("/big.safetensors");
    Thread.sleep(700);
    assertThat(origin.bodyBytesServed("/big.safetensors")).as("nothing moves while paused").isEqualTo(servedAtPause);
    assertThat(api.get("/api/downloads/" + id).json().path("state").asText()).isEqualTo("paused");
    assertThat(api.post("/api/downloads/" + id + "/pause", "{}").status()).isEqualTo(409);

    origin.file("/big.safetensors", body); // full speed for the rest
    assertThat(api.post("/api/downloads/" + id + "/resume", "{}").status()).isEqualTo(200);
    api.awaitState(id, "completed");
    assertThat(Files.readAllBytes(models.resolve("checkpoints/big.safetensors"))).isEqualTo(body);
    assertThat(origin.bodyBytesServed("/big.safetensors")).as("resumed, not fetched again")
        .isLessThan(body.length + servedAtPause / 2 + (1 << 20));
  }

  @Test
  void cancelStopsTheDownloadAndASecondDeleteForgetsIt() throws Exception {
    origin.file("/slow.bin", TestData.bytes(4 << 20, 4)).throttle(32 << 10);
    String id = api.post("/api/downloads", "{\"url\": \"" + origin.url("/slow.bin") + "\", \"folder\": \"vae\"}")
        .json().path("id").asText();
    awaitBytes(id, 1);
    ApiClient.Answer cancelled = api.delete("/api/downloads/" + id);
    assertThat(cancelled.json().path("state").asText()).isEqualTo("cancelled");
    Thread.sleep(300);
    assertThat(api.get("/api/downloads/" + id).json().path("state").asText()).isEqualTo("cancelled");
    assertThat(models.resolve("vae/slow.bin")).doesNotExist();
    assertThat(api.post("/api/downloads/" + id + "/resume", "{}").status()).isEqualTo(409);

    assertThat(api.delete("/api/downloads/" + id).status()).isEqualTo(200);
    assertThat(api.get("/api/downloads/" + id).status()).isEqualTo(404);
    assertThat(api.get("/api/downloads").json().path("downloads")).isEmpty();
  }

  @Test
  void refusesBadInputWithMessagesThatSayWhatToDo() throws Exception {
    ApiClient.Answer badUrl = api.post("/api/downloads", "{\"url\": \"not a url\", \"folder\": \"loras\"}");
    assertThat(badUrl.status()).isEqualTo(400);
    assertThat(badUrl.errorMessage()).contains("is not a URL to download").contains("https://");

    ApiClient.Answer outside = api.post("/api/downloads", "{\"url\": \"" + origin.url("/x.bin") + "\", \"folder\": \"../../etc\"}");
    assertThat(outside.status()).isEqualTo(400);
    assertThat(outside.errorMessage()).contains("folder must be one of [checkpoints, loras, vae, embeddings, hf]");
    assertThat(api.post("/api/downloads", "{\"url\": \"" + origin.url("/x.bin") + "\", \"folder\": \"/tmp\"}").status())
        .isEqualTo(400);
    assertThat(api.post("/api/downloads", "{\"url\": \"" + origin.url("/x.bin") + "\"}").errorMessage())
        .contains("name a folder");
    assertThat(api.post("/api/downloads", "{\"url\": \"" + origin.url("/x.bin") + "\", \"folder\": \"vae\", \"sha256\": \"abc\"}")
        .errorMessage()).contains("64 hex digits");
    assertThat(api.post("/api/downloads", "[1, 2]").status()).isEqualTo(400);
    assertThat(api.post("/api/downloads", "{not json").errorMessage()).contains("not valid JSON");
    assertThat(api.send(HttpRequest.newBuilder(server.uri().resolve("/api/downloads")).header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("{\"url\":\"x\"}"))).status()).isEqualTo(415);
    assertThat(api.get("/api/downloads/999").status()).isEqualTo(404);
    assertThat(api.get("/api/nothing").status()).isEqualTo(404);
    try (Stream<Path> files = Files.walk(models)) {
      assertThat(files.filter(Files::isRegularFile)).isEmpty();
    }
    assertThat(origin.requests()).isEmpty();
  }

  @Test
  void aMissingFileFailsWithTheLibrarysMessage() throws Exception {
    String id = api.post("/api/downloads", "{\"url\": \"" + origin.url("/gone.safetensors") + "\", \"folder\": \"loras\"}")
        .json().path("id").asText();
    JsonNode failed = api.awaitState(id, "failed");
    assertThat(failed.path("error").path("kind").asText()).isEqualTo("NOT_FOUND");
    assertThat(failed.path("error").path("message").asText()).contains("not found (HTTP 404)").contains("check the URL");
  }

  @Test
  void a401FromCivitaiSaysWhichTokenToSetAndNeverShowsTheToken() throws Exception {
    origin.page("/api/v1/model-versions/77", 401, "application/json", "{\"error\":\"Unauthorized\"}");
    String url = "https://civitai.com/models/7?modelVersionId=77";
    ApiClient.Answer resolved = api.post("/api/resolve", "{\"url\": \"" + url + "\"}");
    assertThat(resolved.status()).isEqualTo(401);
    assertThat(resolved.json().path("error").path("kind").asText()).isEqualTo("AUTHENTICATION_REQUIRED");
    assertThat(resolved.errorMessage()).contains("CIVITAI_TOKEN");

    String id = api.post("/api/downloads", "{\"url\": \"" + url + "\", \"folder\": \"loras\"}").json().path("id").asText();
    JsonNode failed = api.awaitState(id, "failed");
    assertThat(failed.path("error").path("kind").asText()).isEqualTo("AUTHENTICATION_REQUIRED");
    api.get("/api/downloads");
    api.get("/api/models");
    // the token was in play: the fake CivitAI received it, and no answer above contains it (checked after each test)
    assertThat(origin.requests("/api/v1/model-versions/77").get(0).header("Authorization"))
        .hasValue("Bearer " + CIVITAI_TOKEN);
  }

  @Test
  void listsInstalledModelsWithTheirSidecarsAndServesPreviewsOnlyFromTheFolders() throws Exception {
    Path loras = models.resolve("loras");
    Files.write(loras.resolve("toon.safetensors"), new byte[1234]);
    Files.writeString(loras.resolve("toon.civitai.info"), "{\"id\": 77, \"modelId\": 7, \"name\": \"v2\", \"baseModel\": \"SD 1.5\","
        + " \"trainedWords\": [\"toon style\"], \"model\": {\"name\": \"Toon\", \"type\": \"LORA\"}}");
    byte[] png = {(byte) 0x89, 'P', 'N', 'G'};
    Files.write(loras.resolve("toon.preview.png"), png);
    Files.write(loras.resolve("half.safetensors.part"), new byte[10]);

    JsonNode list = api.get("/api/models").json().path("models");
    assertThat(list).hasSize(1);
    JsonNode toon = list.get(0);
    assertThat(toon.path("folder").asText()).isEqualTo("loras");
    assertThat(toon.path("info").path("model").asText()).isEqualTo("Toon");
    assertThat(toon.path("info").path("baseModel").asText()).isEqualTo("SD 1.5");
    assertThat(toon.path("info").path("trainedWords").get(0).asText()).isEqualTo("toon style");
    assertThat(toon.path("preview").asBoolean()).isTrue();

    HttpResponse<byte[]> image = api.http.send(HttpRequest.newBuilder(server.uri()
        .resolve("/api/models/preview?folder=loras&file=toon.safetensors")).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(image.statusCode()).isEqualTo(200);
    assertThat(image.body()).isEqualTo(png);
    assertThat(api.get("/api/models/preview?folder=loras&file=..%2F..%2Fetc%2Fpasswd").status()).isEqualTo(404);
    assertThat(api.get("/api/models/preview?folder=..&file=toon.safetensors").status()).isEqualTo(404);
  }

  @Test
  void refusesRequestsForAnotherHostName() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.uri().getPort())) {
      OutputStream out = s.getOutputStream();
      out.write(("GET /api/downloads HTTP/1.1\r\nHost: attacker.example:" + server.uri().getPort()
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 403").contains("answers only requests for 127.0.0.1 or localhost");
    }
    ApiClient.Answer crossSite = api.send(HttpRequest.newBuilder(server.uri().resolve("/api/downloads"))
        .header("Content-Type", "application/json").header("Origin", "https://attacker.example")
        .POST(HttpRequest.BodyPublishers.ofString("{\"url\": \"" + origin.url("/x") + "\", \"folder\": \"vae\"}")));
    assertThat(crossSite.status()).isEqualTo(403);
    assertThat(api.get("/api/downloads").json().path("downloads")).isEmpty();
  }

  private void awaitBytes(String id, long bytes) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (api.get("/api/downloads/" + id).json().path("progress").path("bytesDone").asLong() < bytes) {
      assertThat(System.nanoTime()).as("download " + id + " made no progress").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  /** Reads SSE frames (event name, data) until an event of this name. */
  private static List<String[]> readUntil(Stream<String> lines, String last) {
    List<String[]> events = new ArrayList<>();
    String[] current = new String[2];
    for (String line : (Iterable<String>) lines::iterator) {
      if (line.startsWith("event: ")) {
        current[0] = line.substring(7);
      } else if (line.startsWith("data: ")) {
        current[1] = line.substring(6);
      } else if (line.isEmpty() && current[0] != null) {
        events.add(current);
        if (current[0].equals(last)) {
          break;
        }
        current = new String[2];
      }
    }
    lines.close();
    return events;
  }
}
