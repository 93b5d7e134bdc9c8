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
import io.modelfetch.testing.RecordedRequest;
import io.modelfetch.testing.RecordingListener;
import io.modelfetch.testing.TestData;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

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
}
