package io.modelfetch.internal.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class FileNamesTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "model.safetensors|model.safetensors",
      "../../x.sh|x.sh",
      "..\\..\\evil.bat|evil.bat",
      "/etc/passwd|passwd",
      "a<b>c:d|a_b_c_d",
      "CON.txt|_CON.txt",
      "nul|_nul",
      "trailing. . |trailing",
      ".gitattributes|.gitattributes",
      "model\u202Egnp.exe|modelgnp.exe",
  })
  void sanitisesUntrustedNames(String untrusted, String expected) {
    assertThat(FileNames.sanitize(untrusted)).contains(expected);
  }

  @Test
  void nothingUsableIsEmpty() {
    assertThat(FileNames.sanitize("..")).isEmpty();
    assertThat(FileNames.sanitize("/")).isEmpty();
    assertThat(FileNames.sanitize("\u0001\u0002")).isEmpty();
  }

  @Test
  void keepsTheExtensionWhenTruncatingTo255Bytes() {
    String name = "é".repeat(300) + ".safetensors";
    String safe = FileNames.sanitize(name).orElseThrow();
    assertThat(safe.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
    assertThat(safe).endsWith(".safetensors");
  }

  @Test
  void relativePathsDropDotDotSegments() {
    assertThat(FileNames.sanitizeRelative("unet/../../../etc/diffusion.bin")).contains(Path.of("unet", "etc", "diffusion.bin"));
    assertThat(FileNames.sanitizeRelative("../..")).isEmpty();
  }

  @Test
  void resolvedPathsStayInsideTheFolder(@org.junit.jupiter.api.io.TempDir Path dir) {
    assertThat(FileNames.inside(dir, Path.of("a", "b.bin"))).startsWithRaw(dir);
    assertThatThrownBy(() -> FileNames.inside(dir, Path.of("..", "x"))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void namesFromUrlsAreDecodedAndSanitised() {
    assertThat(FileNames.fromUrl(URI.create("https://h/dir/my%20model.safetensors?x=1"))).contains("my model.safetensors");
    assertThat(FileNames.fromUrl(URI.create("https://h/dir/"))).isEmpty();
  }
}
