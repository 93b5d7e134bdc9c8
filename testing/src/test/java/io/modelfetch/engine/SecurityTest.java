package io.modelfetch.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.Downloads;
import io.modelfetch.Secret;
import io.modelfetch.spi.RemoteFile;
import io.modelfetch.spi.ScopedHeader;
import io.modelfetch.testing.FakeOrigin;
import io.modelfetch.testing.RecordedRequest;
import io.modelfetch.testing.RecordingListener;
import io.modelfetch.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecurityTest extends EngineTestBase {
  private static final String TOKEN = "tok_s3cr3t_value";

  @Test
  void authorizationNeverReachesTheRedirectTargetHost() throws Exception {
    byte[] data = TestData.bytes(5 << 20, 10);
    origin.file("/cdn/model.safetensors", data);
    origin.redirect("/api/download", origin.urlOnOtherHost("/cdn/model.safetensors") + "?X-Amz-Signature=abc", 307);
    StubResolver resolver = new StubResolver("stub", s -> List.of(RemoteFile.builder(origin.uri("/api/download"))
        .fileName("model.safetensors")
        .header(ScopedHeader.bearer(Secret.of(TOKEN), "127.0.0.1"))
        .build()));
    try (Downloads d = builder().resolver(resolver).build()) {
      DownloadResult r = d.download(DownloadRequest.of("stub:model").into(dir));
      assertThat(Files.readAllBytes(r.path())).isEqualTo(data);
    }
    List<RecordedRequest> api = origin.requests("/api/download");
    List<RecordedRequest> cdn = origin.requests("/cdn/model.safetensors");
    assertThat(api).isNotEmpty().allSatisfy(q -> {
      assertThat(q.host()).isEqualTo("127.0.0.1");
      assertThat(q.header("authorization")).contains("Bearer " + TOKEN);
    });
    assertThat(cdn).hasSizeGreaterThan(1).allSatisfy(q -> {
      assertThat(q.host()).isEqualTo("localhost");
      assertThat(q.header("authorization")).isEmpty();
      assertThat(q.headers().toString()).doesNotContain(TOKEN);
    });
    assertThat(api).as("segments go to the final URL, not through the API again").hasSize(1);
  }

  @Test
  void aServerFileNameCannotLeaveTheFolder() throws Exception {
    origin.file("/get", TestData.bytes(1000, 11)).contentDisposition("attachment; filename=\"../../x.sh\"");
    try (Downloads d = builder().build()) {
      DownloadResult r = d.download(DownloadRequest.of(origin.url("/get")).into(dir));
      assertThat(r.path()).isEqualTo(dir.resolve("x.sh"));
    }
    assertThat(dir.getParent().resolve("x.sh")).doesNotExist();
    assertThat(dir.getParent().getParent().resolve("x.sh")).doesNotExist();
  }

  @Test
  void tokensInUrlsAreRedactedInErrorsAndEvents() throws Exception {
    RecordingListener events = new RecordingListener();
    String url = origin.url("/missing.bin") + "?token=" + TOKEN;
    try (Downloads d = builder().listener(events).build()) {
      assertThatThrownBy(() -> d.download(DownloadRequest.of(url).into(dir)))
          .isInstanceOfSatisfying(DownloadException.class, e -> {
            assertThat(e.kind()).isEqualTo(DownloadException.Kind.NOT_FOUND);
            assertThat(e.getMessage()).contains("token=***").doesNotContain(TOKEN);
            assertThat(e.toString()).doesNotContain(TOKEN);
          });
    }
    assertThat(events.resolved()).allSatisfy(f -> assertThat(f.url()).doesNotContain(TOKEN));
    assertThat(events.failure().getMessage()).doesNotContain(TOKEN);
  }

  @Test
  void anHtmlLoginPageIsNeverSavedAsTheModel() throws Exception {
    origin.page("/model.safetensors", 200, "text/html; charset=utf-8", "<html><body>Please log in</body></html>");
    try (Downloads d = builder().build()) {
      assertThatThrownBy(() -> d.download(DownloadRequest.of(origin.url("/model.safetensors")).into(dir)))
          .isInstanceOfSatisfying(DownloadException.class, e -> {
            assertThat(e.kind()).isEqualTo(DownloadException.Kind.UNEXPECTED_RESPONSE);
            assertThat(e.getMessage()).contains("text/html").contains("login");
          });
    }
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void aJsonErrorIsNeverSavedAsAModelFile() throws Exception {
    origin.page("/v.ckpt", 200, "application/json", "{\"error\":\"Unauthorized\"}");
    try (Downloads d = builder().build()) {
      assertThatThrownBy(() -> d.download(DownloadRequest.of(origin.url("/v.ckpt")).into(dir)))
          .isInstanceOfSatisfying(DownloadException.class,
              e -> assertThat(e.kind()).isEqualTo(DownloadException.Kind.UNEXPECTED_RESPONSE));
    }
    assertThat(dir.resolve("v.ckpt")).doesNotExist();
  }

  /**
   * A link without a model-file extension (an API's download endpoint, a short link) that answers
   * with a login page: the content type alone must refuse it, since no extension rule can.
   */
  @ParameterizedTest
  @ValueSource(strings = {"/download?id=3", "/file", "/models/42/download?type=Model&format=SafeTensor"})
  void anHtmlPageAtALinkWithoutAModelExtensionIsNeverSaved(String link) throws Exception {
    String path = link.contains("?") ? link.substring(0, link.indexOf('?')) : link;
    origin.page(path, 200, "text/html; charset=utf-8", "<!doctype html><html><body>Sign in</body></html>");
    try (Downloads d = builder().build()) {
      assertThatThrownBy(() -> d.download(DownloadRequest.of(origin.url(link)).into(dir)))
          .isInstanceOfSatisfying(DownloadException.class, e -> {
            assertThat(e.kind()).isEqualTo(DownloadException.Kind.UNEXPECTED_RESPONSE);
            assertThat(e.getMessage()).contains("text/html").contains("instead of the file");
          });
    }
    assertThat(namesIn()).isEmpty();
  }

  /** The same, for an XHTML page, which some login walls send. */
  @Test
  void anXhtmlPageAtALinkWithoutAnExtensionIsNeverSaved() throws Exception {
    origin.page("/get", 200, "application/xhtml+xml", "<html xmlns=\"http://www.w3.org/1999/xhtml\"/>");
    try (Downloads d = builder().build()) {
      assertThatThrownBy(() -> d.download(DownloadRequest.of(origin.url("/get")).into(dir)))
          .isInstanceOfSatisfying(DownloadException.class,
              e -> assertThat(e.kind()).isEqualTo(DownloadException.Kind.UNEXPECTED_RESPONSE));
    }
    assertThat(namesIn()).isEmpty();
  }

  /**
   * An endpoint without an extension whose answer names a model file but carries a JSON error body
   * with status 200 (what some APIs do): the named file's extension refuses it.
   */
  @Test
  void aJsonErrorNamedAsAModelFileByAnExtensionlessLinkIsNeverSaved() throws Exception {
    origin.handle("/download", req -> new FakeOrigin.Reply(200, Map.of("Content-Type", "application/json",
        "Content-Disposition", "attachment; filename=\"model.safetensors\""),
        "{\"error\":\"Unauthorized\"}".getBytes(StandardCharsets.UTF_8)));
    try (Downloads d = builder().build()) {
      assertThatThrownBy(() -> d.download(DownloadRequest.of(origin.url("/download?id=3")).into(dir)))
          .isInstanceOfSatisfying(DownloadException.class, e -> {
            assertThat(e.kind()).isEqualTo(DownloadException.Kind.UNEXPECTED_RESPONSE);
            assertThat(e.getMessage()).contains("application/json").contains("model.safetensors");
          });
    }
    assertThat(namesIn()).isEmpty();
  }

  /** A JSON error with an error status at an extensionless link is reported by its status, and nothing is saved. */
  @Test
  void aJsonErrorStatusAtAnExtensionlessLinkIsReportedByItsStatus() throws Exception {
    origin.page("/download", 401, "application/json", "{\"error\":\"Unauthorized\"}");
    try (Downloads d = builder().build()) {
      assertThatThrownBy(() -> d.download(DownloadRequest.of(origin.url("/download?id=3")).into(dir)))
          .isInstanceOfSatisfying(DownloadException.class, e -> {
            assertThat(e.kind()).isEqualTo(DownloadException.Kind.AUTHENTICATION_REQUIRED);
            assertThat(e.getMessage()).contains("HTTP 401");
          });
    }
    assertThat(namesIn()).isEmpty();
  }

  private List<String> namesIn() throws Exception {
    try (var files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).toList();
    }
  }
}
