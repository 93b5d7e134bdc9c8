package io.modelfetch.internal.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlFileTest {
  @TempDir
  Path dir;

  @Test
  void roundTripsAndLeavesNoTempFile() throws Exception {
    Path state = ControlFile.pathFor(dir.resolve("m.bin.part"));
    new ControlFile("civitai:file:1", "\"etag\"", 100, List.of(new long[] {0, 10}, new long[] {20, 30})).write(state);
    ControlFile read = ControlFile.read(state).orElseThrow();
    assertThat(read.identity()).isEqualTo("civitai:file:1");
    assertThat(read.validator()).isEqualTo("\"etag\"");
    assertThat(read.size()).isEqualTo(100);
    assertThat(read.ranges()).containsExactly(new long[] {0, 10}, new long[] {20, 30});
    assertThat(read.completedBytes()).isEqualTo(20);
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(state);
    }
  }

  @Test
  void distrustsCorruptOrInconsistentState() throws Exception {
    Path state = dir.resolve("x.part.state");
    Files.writeString(state, "{not json");
    assertThat(ControlFile.read(state)).isEmpty();
    Files.writeString(state, "{\"format\":1,\"identity\":\"i\",\"size\":10,\"ranges\":[[0,20]]}");
    assertThat(ControlFile.read(state)).isEmpty();
    Files.writeString(state, "{\"format\":1,\"identity\":\"i\",\"size\":10,\"ranges\":[[5,8],[0,3]]}");
    assertThat(ControlFile.read(state)).isEmpty();
    Files.writeString(state, "{\"format\":2,\"identity\":\"i\",\"size\":10,\"ranges\":[]}");
    assertThat(ControlFile.read(state)).isEmpty();
    assertThat(ControlFile.read(dir.resolve("absent"))).isEmpty();
  }
}
