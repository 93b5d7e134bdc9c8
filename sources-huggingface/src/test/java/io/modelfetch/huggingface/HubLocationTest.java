package io.modelfetch.huggingface;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class HubLocationTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      https://huggingface.co/org/name/resolve/main/model.safetensors          | MODEL   | org/name | main                 | model.safetensors  | true
      https://huggingface.co/org/name/resolve/main/model.safetensors?download=true | MODEL | org/name | main          | model.safetensors  | true
      https://huggingface.co/org/name/blob/v1.0/unet/model.safetensors        | MODEL   | org/name | v1.0                 | unet/model.safetensors | true
      https://huggingface.co/org/name/raw/main/config.json                    | MODEL   | org/name | main                 | config.json        | true
      https://huggingface.co/gpt2/resolve/main/config.json                    | MODEL   | gpt2     | main                 | config.json        | true
      https://huggingface.co/datasets/org/set/resolve/main/data/train.parquet | DATASET | org/set  | main                 | data/train.parquet | true
      https://huggingface.co/spaces/org/app/blob/main/app.py                  | SPACE   | org/app  | main                 | app.py             | true
      https://huggingface.co/org/name/resolve/refs%2Fpr%2F1/model.bin         | MODEL   | org/name | refs/pr/1            | model.bin          | true
      https://huggingface.co/org/name/resolve/refs/pr/12/sub/model.bin        | MODEL   | org/name | refs/pr/12           | sub/model.bin      | true
      https://huggingface.co/datasets/org/set/resolve/refs%2Fconvert%2Fparquet/default/train/0.parquet | DATASET | org/set | refs/convert/parquet | default/train/0.parquet | true
      https://huggingface.co/org/name/resolve/main/my%20dir/f%C3%BC.bin       | MODEL   | org/name | main                 | my dir/fü.bin      | true
      https://huggingface.co/org/name                                         | MODEL   | org/name | -                    | -                  | false
      https://huggingface.co/org/name/                                        | MODEL   | org/name | -                    | -                  | false
      https://hf.co/org/name                                                  | MODEL   | org/name | -                    | -                  | false
      https://huggingface.co/datasets/org/set                                 | DATASET | org/set  | -                    | -                  | false
      https://huggingface.co/spaces/org/app                                   | SPACE   | org/app  | -                    | -                  | false
      https://huggingface.co/org/name/tree/main                               | MODEL   | org/name | main                 | -                  | false
      https://huggingface.co/org/name/tree/refs%2Fpr%2F2/unet                 | MODEL   | org/name | refs/pr/2            | unet               | false
      hf://org/name                                                           | MODEL   | org/name | -                    | -                  | false
      hf://org/name@v2                                                        | MODEL   | org/name | v2                   | -                  | false
      hf://org/name/config.json                                               | MODEL   | org/name | -                    | config.json        | true
      hf://org/name@v2/unet/model.bin                                         | MODEL   | org/name | v2                   | unet/model.bin     | true
      hf://org/name@refs/pr/3/model.bin                                       | MODEL   | org/name | refs/pr/3            | model.bin          | true
      https://hf-mirror.com/org/name/resolve/main/model.safetensors           | MODEL   | org/name | main                 | model.safetensors  | true
      https://hf-mirror.com/datasets/org/set                                  | DATASET | org/set  | -                    | -                  | false
      hf://org/name@refs%2Fpr%2F3/model.bin                                   | MODEL   | org/name | refs/pr/3            | model.bin          | true
      hf://datasets/org/set@refs/convert/parquet/default/x.parquet            | DATASET | org/set  | refs/convert/parquet | default/x.parquet  | true
      hf://spaces/org/app/static/                                             | SPACE   | org/app  | -                    | static             | false
      """)
  void parsesEveryUrlForm(String url, RepoType type, String repo, String revision, String path, boolean file)
      throws DownloadException {
    assertThat(HuggingFaceResolverTest.resolver().accepts(url)).isTrue();
    HubLocation location = HubLocation.parse(url);
    assertThat(location).isEqualTo(new HubLocation(type, repo, revision, path, file));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "https://huggingface.co/docs/transformers",
      "https://huggingface.co/org/name/discussions/1",
      "https://huggingface.co/org/name/resolve/main",
      "https://huggingface.co/org",
      "https://huggingface.co/org/../resolve/main/x",
      "https://huggingface.co/datasets/org",
      "hf://gpt2",
      "hf://org/name@/x",
  })
  void refusesWhatIsNotAFileOrRepository(String url) {
    assertThatThrownBy(() -> HubLocation.parse(url)).isInstanceOf(DownloadException.class)
        .hasMessageContaining("https://huggingface.co/ORG/NAME")
        .satisfies(e -> assertThat(((DownloadException) e).kind()).isEqualTo(Kind.UNSUPPORTED_SOURCE));
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://example.com/org/name", "https://huggingface.co.evil.example/org/name",
      "ftp://huggingface.co/org/name", "civitai.com/models/1", "HF:/org/name"})
  void leavesOtherUrlsToOtherResolvers(String url) {
    assertThat(HuggingFaceResolverTest.resolver().accepts(url)).isFalse();
  }

  @Test
  void buildsResolveUrlsEncodedAsHuggingfaceHubDoes() throws DownloadException {
    HubClient hub = new HubClient(null, "https://huggingface.co", HubLocation.parse("hf://org/name"), Optional.empty());
    assertThat(hub.resolveUrl("refs/pr/1", "sub dir/ü+x.bin").toString())
        .isEqualTo("https://huggingface.co/org/name/resolve/refs%2Fpr%2F1/sub%20dir/%C3%BC%2Bx.bin");
    HubClient datasets = new HubClient(null, "https://hf-mirror.com", HubLocation.parse("hf://datasets/org/set"),
        Optional.empty());
    assertThat(datasets.resolveUrl("main", "a/b.json").toString())
        .isEqualTo("https://hf-mirror.com/datasets/org/set/resolve/main/a/b.json");
  }

  @Test
  void aPastedMirrorUrlIsResolvedThroughTheMirrorWithoutTheToken() throws Exception {
    io.modelfetch.testing.TestResolverContext context = io.modelfetch.testing.TestResolverContext.forService("huggingface")
        .withEnv(java.util.Map.of("HF_TOKEN", "hf_secret"));
    HuggingFaceResolver.Endpoint mirror = HuggingFaceResolver.Endpoint.of(context,
        "https://hf-mirror.com/org/name/resolve/main/model.safetensors");
    assertThat(mirror).isEqualTo(new HuggingFaceResolver.Endpoint("https://hf-mirror.com", true));

    HuggingFaceResolver.Endpoint hub = HuggingFaceResolver.Endpoint.of(context,
        "https://huggingface.co/org/name/resolve/main/model.safetensors");
    assertThat(hub).isEqualTo(new HuggingFaceResolver.Endpoint("https://huggingface.co", false));

    HuggingFaceResolver.Endpoint configured = HuggingFaceResolver.Endpoint.of(
        context.withEnv(java.util.Map.of("HF_ENDPOINT", "https://hf-mirror.com/")),
        "https://hf-mirror.com/org/name/resolve/main/model.safetensors");
    assertThat(configured).as("HF_ENDPOINT names it: the user's own choice, the token goes along")
        .isEqualTo(new HuggingFaceResolver.Endpoint("https://hf-mirror.com", false));
  }

  @Test
  void onlyKnownMirrorsOverHttpsCount() {
    assertThat(HubLocation.isHubUrl("https://hf-mirror.com/org/name")).isTrue();
    assertThat(HubLocation.mirror("http://hf-mirror.com/org/name")).isEmpty();
    assertThat(HubLocation.isHubUrl("https://hf-mirror.example/org/name")).isFalse();
    assertThat(HubLocation.mirror("https://huggingface.co/org/name")).isEmpty();
  }
}
