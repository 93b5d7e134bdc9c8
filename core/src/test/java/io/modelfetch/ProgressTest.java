package io.modelfetch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Progress keeps a record's value semantics with its equality written out. */
class ProgressTest {
  private final Progress p = new Progress(10, 100, 5, 2, 0, 1);

  @Test
  void equalWhenEveryComponentIsEqual() {
    assertThat(p).isEqualTo(new Progress(10, 100, 5, 2, 0, 1)).hasSameHashCodeAs(new Progress(10, 100, 5, 2, 0, 1));
    assertThat(p).isNotEqualTo(new Progress(11, 100, 5, 2, 0, 1))
        .isNotEqualTo(new Progress(10, 101, 5, 2, 0, 1))
        .isNotEqualTo(new Progress(10, 100, 6, 2, 0, 1))
        .isNotEqualTo(new Progress(10, 100, 5, 3, 0, 1))
        .isNotEqualTo(new Progress(10, 100, 5, 2, 1, 1))
        .isNotEqualTo(new Progress(10, 100, 5, 2, 0, 2))
        .isNotEqualTo(null)
        .isNotEqualTo("Progress");
  }

  @Test
  void printsLikeARecord() {
    assertThat(p).hasToString(
        "Progress[bytesDone=10, totalBytes=100, bytesPerSecond=5, openConnections=2, filesDone=0, filesTotal=1]");
  }

  @Test
  void fractionAndEta() {
    assertThat(p.fraction()).contains(0.1);
    assertThat(p.eta()).contains(Duration.ofSeconds(18));
    assertThat(Progress.NONE.fraction()).isEmpty();
    assertThat(Progress.NONE.eta()).isEmpty();
  }
}
