package io.modelfetch.civitai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.civitai.Reference.Form;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Every URL and URN form users paste, including the test vectors of research/civitai-gdrive.md. */
class ReferenceParserTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      # input                                                                                   | form     | model  | version | webHost
      https://civitai.com/models/827184                                                           | MODEL    | 827184 | -       | civitai.com
      https://civitai.com/models/827184/wai-illustrious-sdxl                                      | MODEL    | 827184 | -       | civitai.com
      https://civitai.com/models/43331?modelVersionId=176425                                      | MODEL    | 43331  | 176425  | civitai.com
      https://civitai.red/models/827184/wai-illustrious-sdxl?modelVersionId=2514310               | MODEL    | 827184 | 2514310 | civitai.red
      https://www.civitai.green/models/827184/                                                    | MODEL    | 827184 | -       | civitai.green
      HTTPS://WWW.CIVITAI.COM/models/827184                                                       | MODEL    | 827184 | -       | civitai.com
      https://civitai.com/model-versions/2514310                                                  | VERSION  | -      | 2514310 | civitai.com
      https://civitai.red/model-versions/2514310                                                  | VERSION  | -      | 2514310 | civitai.red
      https://civitai.com/api/download/models/2514310                                             | DOWNLOAD | -      | 2514310 | civitai.com
      https://civitai.com/api/download/models/138296?type=Model&format=SafeTensor                 | DOWNLOAD | -      | 138296  | civitai.com
      https://civitai.com/api/download/models/2514310?type=Model&format=SafeTensor&size=pruned&fp=fp16 | DOWNLOAD | - | 2514310 | civitai.com
      https://civitai.com/api/download/models/3155593?fileId=3036509                              | DOWNLOAD | -      | 3155593 | civitai.com
      https://civitai.com/api/download/models/317633?token=abc                                    | DOWNLOAD | -      | 317633  | civitai.com
      https://api.civitai.com/download/models/2514310                                             | DOWNLOAD | -      | 2514310 | -
      https://civitai.com/api/v1/models/827184                                                    | MODEL    | 827184 | -       | civitai.com
      https://civitai.com/api/v1/model-versions/2514310                                           | VERSION  | -      | 2514310 | civitai.com
      urn:air:sdxl:checkpoint:civitai:827184@2514310                                              | AIR      | 827184 | 2514310 | -
      urn:air:sdxl:checkpoint:civitai:827184@2514310+2402203                                      | AIR      | 827184 | 2514310 | -
      urn:air:sd1:checkpoint:civitai:43331@176425                                                 | AIR      | 43331  | 176425  | -
      urn:air:flux1:lora:civitai:706978@1050496                                                   | AIR      | 706978 | 1050496 | -
      air:sdxl:lora:civitai:118025@136251                                                         | AIR      | 118025 | 136251  | -
      sdxl:lora:civitai:118025@136251                                                             | AIR      | 118025 | 136251  | -
      urn:air:sdxl:checkpoint:civitai:827184                                                      | AIR      | 827184 | -       | -
      urn:air:illustrious:checkpoint:civitai:795765@900661.safetensor                             | AIR      | 795765 | 900661  | -
      civitai:827184@2514310                                                                      | AIR      | 827184 | 2514310 | -
      CivitAI:827184@2514310                                                                      | AIR      | 827184 | 2514310 | -
      """)
  void parsesEveryAcceptedForm(String input, Form form, Long model, Long version, String webHost) throws Exception {
    assertThat(ReferenceParser.accepts(input)).isTrue();
    Reference ref = ReferenceParser.parse(input);
    assertThat(ref.form()).isEqualTo(form);
    assertThat(ref.modelId()).isEqualTo(model);
    assertThat(ref.versionId()).isEqualTo(version);
    assertThat(ref.webHost()).isEqualTo(webHost);
  }

  @Test
  void downloadUrlSelectorsBecomeTheFileChoice() throws Exception {
    assertThat(ReferenceParser.parse("https://civitai.com/api/download/models/138296?type=Model&format=SafeTensor")
        .choice()).isEqualTo(new FileChoice(null, "Model", "SafeTensor", null, null, null));
    assertThat(ReferenceParser.parse(
        "https://civitai.com/api/download/models/2514310?type=Model&format=SafeTensor&size=pruned&fp=fp16").choice())
        .isEqualTo(new FileChoice(null, "Model", "SafeTensor", "pruned", "fp16", null));
    assertThat(ReferenceParser.parse("https://civitai.com/api/download/models/3155593?fileId=3036509").choice())
        .isEqualTo(new FileChoice(3036509L, null, null, null, null, null));
    assertThat(ReferenceParser.parse("https://civitai.com/api/download/models/9?type=Text%20Encoder&quantType=Q8_0")
        .choice()).isEqualTo(new FileChoice(null, "Text Encoder", null, null, null, "Q8_0"));
    assertThat(ReferenceParser.parse("https://civitai.com/api/download/models/2514310").choice())
        .isEqualTo(FileChoice.ANY);
  }

  @Test
  void airFileIdAndFormatSuffixBecomeTheFileChoice() throws Exception {
    assertThat(ReferenceParser.parse("urn:air:sdxl:checkpoint:civitai:827184@2514310+2402203").choice().fileId())
        .isEqualTo(2402203L);
    FileChoice withFormat = ReferenceParser.parse("urn:air:illustrious:checkpoint:civitai:795765@900661.safetensor")
        .choice();
    assertThat(withFormat.format()).isEqualTo("SafeTensor");
    assertThat(withFormat.fileId()).isNull();
  }

  @Test
  void tokenInThePastedUrlIsExtractedAndNeverPrinted() throws Exception {
    Reference ref = ReferenceParser.parse("https://civitai.com/api/download/models/317633?token=abc&fileId=5");
    assertThat(ref.token().reveal()).isEqualTo("abc");
    assertThat(ref.toString()).doesNotContain("abc");
    assertThat(ref.choice().fileId()).isEqualTo(5L);
    assertThat(ReferenceParser.parse("https://civitai.com/models/1?token=xyz").token().reveal()).isEqualTo("xyz");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "urn:air:other:other:civitai-r2:civitai-worker-assets@sam_vit_b_01ec64.pth",
      "urn:air:sdxl:checkpoint:huggingface:foo/bar",
      "foo:bar",
      "https://image.civitai.com/xG1nkqKTMzGDvpLrqFT7WA/abc/width=450/1.jpeg",
      "https://civitai.com.evil.example/models/1",
      "https://notcivitai.com/models/1",
      "https://huggingface.co/org/name",
      "civitai-r2:foo@bar"})
  void leavesOtherSourcesAlone(String input) {
    assertThat(ReferenceParser.accepts(input)).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "https://civitai.com/api/download/models/abc",
      "https://civitai.com/models/abc",
      "https://civitai.com/models/1?modelVersionId=latest",
      "https://civitai.com/api/download/models/1?fileId=x",
      "https://civitai.com/user/someone",
      "https://civitai.com/",
      "https://api.civitai.com/v1/models/1",
      "urn:air:sdxl:lora:civitai:abc@def",
      "civitai:827184@latest"})
  void rejectsMalformedCivitaiReferencesNamingTheAcceptedForms(String input) {
    assertThat(ReferenceParser.accepts(input)).isTrue();
    assertThatThrownBy(() -> ReferenceParser.parse(input))
        .isInstanceOfSatisfying(DownloadException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.INVALID_REQUEST);
          assertThat(e.getMessage()).contains("accepted forms", "civitai.com/models/ID", "urn:air:");
        });
  }

  @Test
  void malformedUrlErrorsRedactThePastedToken() {
    assertThatThrownBy(() -> ReferenceParser.parse("https://civitai.com/api/download/models/abc?token=s3cret"))
        .hasMessageNotContaining("s3cret");
  }
}
