package io.modelfetch.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelfetch.DownloadRequest;
import io.modelfetch.Downloads;
import io.modelfetch.testing.RecordedRequest;
import io.modelfetch.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@link Downloads.Builder}'s settings change in the requests that reach the server. */
class BuilderOnTheWireTest extends EngineTestBase {
  private static final byte[] DATA = TestData.bytes(3 << 20, 70);

  @Test
  void defaultUserAgentIsOursNotABrowsers() throws Exception {
    try (Downloads d = Downloads.builder().discoverPlugins(false).defaultBackend("jdk").build()) {
      assertThat(userAgentsOf(d, "a.bin")).containsOnly("modelfetch/" + Downloads.version());
    }
    assertThat(Downloads.version()).isNotBlank();
  }

  @Test
  void aChosenUserAgentIsSentOnEveryRequest() throws Exception {
    try (Downloads d = builder().userAgent("my-app/2.1 (+https://example.com)").build()) {
      assertThat(userAgentsOf(d, "a.bin")).containsOnly("my-app/2.1 (+https://example.com)");
    }
  }

  @Test
  void newBuilderDerivesAVariantWithoutChangingTheOriginal() throws Exception {
    try (Downloads a = builder().userAgent("a/1").build();
        Downloads b = a.newBuilder().userAgent("b/2").build();
        Downloads copyOfA = a.newBuilder().build()) {
      assertThat(userAgentsOf(b, "b.bin")).containsOnly("b/2");
      assertThat(userAgentsOf(a, "a.bin")).containsOnly("a/1");
      assertThat(userAgentsOf(copyOfA, "c.bin")).as("a copy keeps the original's settings").containsOnly("a/1");
    }
  }

  @Test
  void changingABuilderAfterBuildDoesNotChangeWhatWasBuilt() throws Exception {
    Downloads.Builder builder = builder().userAgent("first/1");
    try (Downloads first = builder.build()) {
      builder.userAgent("second/2");
      try (Downloads second = builder.build()) {
        assertThat(userAgentsOf(first, "a.bin")).containsOnly("first/1");
        assertThat(userAgentsOf(second, "b.bin")).containsOnly("second/2");
      }
    }
  }

  /** Downloads {@code name} (several ranged requests) and returns the User-Agent of each request it sent. */
  private List<String> userAgentsOf(Downloads d, String name) throws Exception {
    origin.file("/" + name, DATA);
    Path into = Files.createDirectories(dir.resolve(name + ".d"));
    d.download(DownloadRequest.of(origin.url("/" + name)).into(into).connections(4));
    assertThat(Files.readAllBytes(into.resolve(name))).isEqualTo(DATA);
    List<RecordedRequest> requests = origin.requests("/" + name);
    assertThat(requests).isNotEmpty();
    return requests.stream().map(r -> r.header("user-agent").orElse("(none)")).toList();
  }
}
