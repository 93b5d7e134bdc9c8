package io.modelfetch.gdrive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.testing.TestResolverContext;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** How Drive's three hosts map onto one configured endpoint. */
class DriveEndpointTest {

  private static DriveEndpoint endpoint(String builder, String env) throws DownloadException {
    return DriveEndpoint.of(TestResolverContext.forService("gdrive").withEndpoint(builder)
        .withEnv(env == null ? Map.of() : Map.of("GDRIVE_ENDPOINT", env)));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      https://drive.google.com/uc?id=X&export=download                            | http://mirror.test:8080/gd/uc?id=X&export=download
      https://drive.usercontent.google.com/download?id=X&confirm=t&uuid=a%26b     | http://mirror.test:8080/gd/download?id=X&confirm=t&uuid=a%26b
      https://docs.google.com/uc?export=download&confirm=9iBg&id=X                | http://mirror.test:8080/gd/uc?export=download&confirm=9iBg&id=X
      https://DRIVE.USERCONTENT.GOOGLE.COM/u/0/uc?id=X                            | http://mirror.test:8080/gd/u/0/uc?id=X
      https://doc-0s-9k-docs.googleusercontent.com/docs/securesc/abc?e=download   | https://doc-0s-9k-docs.googleusercontent.com/docs/securesc/abc?e=download
      https://accounts.google.com/ServiceLogin                                    | https://accounts.google.com/ServiceLogin
      """)
  void everyDriveHostGoesToTheEndpointWithPathAndQueryKept(String url, String routed) throws DownloadException {
    assertThat(endpoint("http://mirror.test:8080/gd/", null).route(URI.create(url))).hasToString(routed);
  }

  @Test
  void withoutAnEndpointUrlsStayAsTheyAre() throws DownloadException {
    URI url = URI.create("https://drive.usercontent.google.com/download?id=X");
    assertThat(endpoint(null, null).route(url)).isSameAs(url);
  }

  @Test
  void theBuildersEndpointWinsOverTheEnvironment() throws DownloadException {
    assertThat(endpoint("http://builder.test", "http://env.test").route(URI.create("https://drive.google.com/uc?id=X")))
        .hasToString("http://builder.test/uc?id=X");
    assertThat(endpoint(null, "http://env.test").route(URI.create("https://drive.google.com/uc?id=X")))
        .hasToString("http://env.test/uc?id=X");
  }

  @Test
  void pagesMayLeadOnlyToGooglesHostsOrTheEndpoint() throws DownloadException {
    DriveEndpoint drive = endpoint("http://localhost:9999", null);
    assertThat(drive.isGoogle(URI.create("https://drive.usercontent.google.com/download"))).isTrue();
    assertThat(drive.isGoogle(URI.create("https://doc-0s-9k-docs.googleusercontent.com/docs"))).isTrue();
    assertThat(drive.isGoogle(URI.create("http://localhost:9999/download"))).isTrue();
    assertThat(drive.isGoogle(URI.create("http://localhost:9998/download"))).isFalse();
    assertThat(drive.isGoogle(URI.create("https://google.com.evil.test/download"))).isFalse();
    assertThat(drive.isGoogle(URI.create("https://evilgoogle.com/download"))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"drive.mirror.test", "ftp://mirror.test", "http://mirror.test/?x=1", "http://"})
  void aMalformedEndpointIsAnInvalidRequestNamingTheVariable(String value) {
    assertThatThrownBy(() -> endpoint(null, value)).isInstanceOf(DownloadException.class)
        .hasMessageContaining("GDRIVE_ENDPOINT")
        .satisfies(e -> assertThat(((DownloadException) e).kind()).isEqualTo(Kind.INVALID_REQUEST));
  }
}
