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
      ".gitattributes|_.gitattributes",
      ".bashrc|_.bashrc",
      "../.profile|_.profile",
      "model.safetensors.part|model.safetensors.part_",
      "model.safetensors.PART|model.safetensors.PART_",
      "model.part.lock|model.part.lock_",
      "model.part.state|model.part.state_",
      "model.part.state.tmp|model.part.state.tmp_",
      "model.part.aria2|model.part.aria2_",
      "model.part.aria2.key|model.part.aria2.key_",
      "model.part.aria2.pid|model.part.aria2.pid_",
      "model.part. . .|model.part_",
      "model.bin...|model.bin",
      "model.bin   |model.bin",
      "CON . .|_CON",
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

  @ParameterizedTest
  @CsvSource({"a, 1", "é, 2", "€, 3", "😀, 4"})
  void longNamesLeaveRoomForTheLongestWorkingFileSuffix(String character, int bytesPerCharacter) {
    for (int length = 235; length <= 260; length++) {
      String name = character.repeat((length - 4) / bytesPerCharacter) + ".bin";
      String safe = FileNames.sanitize(name).orElseThrow();
      assertThat((safe + ".part.state.tmp").getBytes(StandardCharsets.UTF_8).length).as(name).isLessThanOrEqualTo(255);
      assertThat((safe + ".part.aria2.key").getBytes(StandardCharsets.UTF_8).length).as(name).isLessThanOrEqualTo(255);
      assertThat((safe + ".part.aria2__temp").getBytes(StandardCharsets.UTF_8).length).as(name).isLessThanOrEqualTo(255);
      assertThat(safe).endsWith(".bin").doesNotContain("\uFFFD");
      assertThat(safe.codePoints().limit(3)).allMatch(cp -> cp == character.codePointAt(0));
    }
    String marked = FileNames.sanitize("." + "x".repeat(300) + ".part").orElseThrow();
    assertThat(marked.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(FileNames.MAX_BYTES);
    assertThat(marked).startsWith("_.").endsWith(".part_");
  }

  @Test
  void repositoryPathsKeepTheirDotFilesButNeverLookLikeWorkingFiles() {
    assertThat(FileNames.sanitizeRelative(".gitattributes")).contains(Path.of(".gitattributes"));
    assertThat(FileNames.sanitizeRelative("unet/.config/x.lock")).contains(Path.of("unet", ".config", "x.lock_"));
    assertThat(FileNames.sanitizeRelative("a./b ./c.bin.")).contains(Path.of("a", "b", "c.bin"));
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
