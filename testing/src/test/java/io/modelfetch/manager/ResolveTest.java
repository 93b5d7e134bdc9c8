package io.modelfetch.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadHandle;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadState;
import io.modelfetch.Downloads;
import io.modelfetch.Resolution;
import io.modelfetch.testing.TestData;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Asking before downloading: the files, sizes and metadata without a file body, and the answer reused by a submit. */
class ResolveTest extends ManagerTest {

  @Test
  void resolveAnswersWithoutTouchingTheFilesAndASubmitRightAfterDoesNotAskAgain() throws Exception {
    origin.file("/a.safetensors", TestData.bytes(100_000, 1));
    origin.file("/b.safetensors", TestData.bytes(200_000, 2));
    ServiceResolver civitai = new ServiceResolver("civitai", "127.0.0.1");
    States states = new States();
    try (Downloads downloads = builder().resolver(civitai).listener(states).build()) {
      String source = "civitai:" + origin.url("/a.safetensors") + "," + origin.url("/b.safetensors");
      DownloadRequest request = DownloadRequest.of(source).into(dir);
      Resolution r = downloads.resolve(request);
      assertThat(r.resolver()).isEqualTo("civitai");
      assertThat(r.backend()).isEqualTo("jdk");
      assertThat(r.files()).extracting(f -> f.name()).containsExactly("a.safetensors", "b.safetensors");
      assertThat(r.files().get(0).metadata().modelName()).contains("model /a.safetensors");
      assertThat(origin.requests()).as("requests to the origin").isEmpty();
      assertThat(civitai.calls).hasValue(1);

      DownloadHandle h = downloads.submit(request);
      assertThat(h.result().join().files()).hasSize(2);
      assertThat(civitai.calls).as("resolutions after the submit").hasValue(1);
      assertThat(states.of(h)).doesNotContain(DownloadState.RESOLVING);

      Resolution async = downloads.resolveAsync(request).join();
      assertThat(async.files()).hasSize(2);
      assertThat(civitai.calls).hasValue(2);
    }
  }

  @Test
  void aPlainUrlResolvesToItsUrlWithSizeUnknownWithoutARequest() throws Exception {
    origin.file("/m.bin", TestData.bytes(1000, 3));
    try (Downloads downloads = builder().build()) {
      Resolution r = downloads.resolve(DownloadRequest.of(origin.url("/m.bin?token=secret")));
      assertThat(r.resolver()).isEqualTo("direct");
      assertThat(r.source()).doesNotContain("secret");
      assertThat(r.files()).singleElement().satisfies(f -> {
        assertThat(f.size()).isEqualTo(-1);
        assertThat(f.url()).doesNotContain("secret");
      });
      assertThat(r.totalSize()).isEqualTo(-1);
      assertThat(origin.requests()).isEmpty();
    }
  }

  @Test
  void aSourceThatCannotBeResolvedFailsTheSameWayBlockingAndAsync() {
    try (Downloads downloads = builder().build()) {
      DownloadRequest request = DownloadRequest.of("ftp://nowhere/x");
      Throwable blocking = catchThrowable(() -> downloads.resolve(request));
      assertThat(blocking).isInstanceOf(DownloadException.class);
      assertThat(((DownloadException) blocking).kind()).isEqualTo(DownloadException.Kind.UNSUPPORTED_SOURCE);
      Throwable async = catchThrowable(() -> downloads.resolveAsync(request).join());
      assertThat(async).isInstanceOf(CompletionException.class).hasCauseInstanceOf(DownloadException.class);
    }
  }
}
