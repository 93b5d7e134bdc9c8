package io.modelfetch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void honoursRateLimitResetExactly() {
    assertThat(Backoff.delay(2, null, "\"api\";r=0;t=7")).isEqualTo(Duration.ofSeconds(7));
    assertThat(Backoff.delay(2, "30", "\"resolvers\";r=0;t=3")).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void honoursNumericRetryAfter() {
    assertThat(Backoff.delay(2, "12", null)).isEqualTo(Duration.ofSeconds(12));
    assertThat(Backoff.delay(2, " 0 ", null)).isEqualTo(Duration.ZERO);
  }

  @Test
  void backsOffExponentiallyWithJitterUpToEightSeconds() {
    for (int i = 0; i < 50; i++) {
      assertThat(Backoff.exponential(2).toMillis()).isBetween(750L, 1250L);
      assertThat(Backoff.exponential(3).toMillis()).isBetween(1500L, 2500L);
      assertThat(Backoff.exponential(9).toMillis()).isBetween(6000L, 10000L);
    }
  }

  @Test
  void retriesOnlyTransientStatuses() {
    assertThat(Backoff.retryableStatus(503)).isTrue();
    assertThat(Backoff.retryableStatus(429)).isTrue();
    assertThat(Backoff.retryableStatus(404)).isFalse();
    assertThat(Backoff.retryableStatus(403)).isFalse();
  }
}
