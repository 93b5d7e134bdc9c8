package io.modelfetch.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ContentRangeTest {
  @Test
  void parsesSatisfiedRanges() {
    assertThat(ContentRange.parse("bytes 0-0/1234")).contains(new ContentRange(0, 0, 1234));
    assertThat(ContentRange.parse("bytes 100-199/*")).contains(new ContentRange(100, 199, -1));
  }

  @Test
  void rejectsMalformedOrImpossibleRanges() {
    assertThat(ContentRange.parse("bytes */1234")).isEmpty();
    assertThat(ContentRange.parse("bytes 5-4/10")).isEmpty();
    assertThat(ContentRange.parse("bytes 0-10/10")).isEmpty();
    assertThat(ContentRange.parse("items 0-1/2")).isEmpty();
    assertThat(ContentRange.parse(null)).isEmpty();
  }
}
