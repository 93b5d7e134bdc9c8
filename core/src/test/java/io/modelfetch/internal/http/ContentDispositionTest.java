package io.modelfetch.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ContentDispositionTest {
  @Test
  void prefersFilenameStarOverFilename() {
    assertThat(ContentDisposition.fileName("attachment; filename=\"fallback.bin\"; filename*=UTF-8''na%C3%AFve%20model.safetensors"))
        .contains("naïve model.safetensors");
  }

  @Test
  void readsQuotedAndTokenFilenames() {
    assertThat(ContentDisposition.fileName("attachment; filename=\"a \\\"b\\\".bin\"")).contains("a \"b\".bin");
    assertThat(ContentDisposition.fileName("attachment;filename=model.ckpt")).contains("model.ckpt");
    assertThat(ContentDisposition.fileName("inline")).isEmpty();
    assertThat(ContentDisposition.fileName(null)).isEmpty();
  }

  @Test
  void toleratesRawUtf8InFilename() {
    String latin1View = new String("模型.safetensors".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    assertThat(ContentDisposition.fileName("attachment; filename=\"" + latin1View + "\"")).contains("模型.safetensors");
  }

  @Test
  void ignoresMalformedExtendedValue() {
    assertThat(ContentDisposition.fileName("attachment; filename*=nonsense; filename=ok.bin")).contains("ok.bin");
    assertThat(ContentDisposition.fileName("attachment; filename*=UTF-8''bad%ZZ; filename=ok.bin")).contains("ok.bin");
  }
}
