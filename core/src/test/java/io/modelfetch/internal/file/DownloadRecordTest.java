package io.modelfetch.internal.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The record of what was downloaded into a file, as a user attribute and in the fallback file. */
class DownloadRecordTest {
  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void describesTheFileItWasWrittenForUntilItChanges(boolean attributes) throws Exception {
    Path part = Files.write(dir.resolve("m.bin.part"), new byte[] {1, 2, 3});
    Path target = dir.resolve("m.bin");
    DownloadRecord.of(part, "https://h/m.bin", "\"v1\"").writeFor(part, target, attributes);
    Files.move(part, target);
    assertThat(DownloadRecord.fallbackFor(target).toFile().exists()).isEqualTo(!attributes);

    DownloadRecord record = DownloadRecord.readFor(target).orElseThrow();
    assertThat(record.describes(target, "https://h/m.bin", "\"v1\"")).isTrue();
    assertThat(record.describes(target, "https://h/m.bin", null)).as("validator unknown now").isTrue();
    assertThat(record.describes(target, "https://other/m.bin", "\"v1\"")).isFalse();
    assertThat(record.describes(target, "https://h/m.bin", "\"v2\"")).isFalse();

    Files.write(target, new byte[] {1, 2, 4});
    Files.setLastModifiedTime(target, FileTime.fromMillis(record.modifiedMillis() + 2_000));
    assertThat(record.describes(target, "https://h/m.bin", "\"v1\"")).as("edited since").isFalse();
  }

  @Test
  void noRecordAndForeignRecordsAreEmpty() throws Exception {
    Path target = Files.write(dir.resolve("m.bin"), new byte[] {1});
    assertThat(DownloadRecord.readFor(target)).isEmpty();
    Files.writeString(DownloadRecord.fallbackFor(target), "something else");
    assertThat(DownloadRecord.readFor(target)).isEmpty();
  }

  @Test
  void theRecordNeverHoldsTheIdentityItself() throws Exception {
    Path target = Files.write(dir.resolve("m.bin"), new byte[] {1});
    DownloadRecord.of(target, "https://h/m.bin?token=s3cr3t", null).writeFor(target, target, false);
    assertThat(Files.readString(DownloadRecord.fallbackFor(target))).doesNotContain("s3cr3t").doesNotContain("https");
  }
}
