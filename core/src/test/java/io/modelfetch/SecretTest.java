package io.modelfetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SecretTest {
  @Test
  void neverPrintsItsValue() {
    Secret s = Secret.of("hf_abcdef123456");
    assertThat(s.toString()).isEqualTo("***");
    assertThat(String.valueOf(s)).doesNotContain("abcdef");
    assertThat(s.reveal()).isEqualTo("hf_abcdef123456");
  }

  @Test
  void trimsATokenReadFromAFile() {
    assertThat(Secret.of("  tok\n").reveal()).isEqualTo("tok");
    assertThat(Secret.ofNullable("   ")).isNull();
    assertThat(Secret.ofNullable(null)).isNull();
    assertThatThrownBy(() -> Secret.of("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void redactsTokensSignaturesAndUserInfoInUrls() {
    assertThat(Secret.redact("https://civitai.com/api/download/models/1?type=Model&token=abc123&format=SafeTensor"))
        .isEqualTo("https://civitai.com/api/download/models/1?type=Model&token=***&format=SafeTensor");
    assertThat(Secret.redact("https://b2.example/f?X-Amz-Signature=deadbeef&X-Amz-Credential=AKIA/x&ok=1"))
        .isEqualTo("https://b2.example/f?X-Amz-Signature=***&X-Amz-Credential=***&ok=1");
    assertThat(Secret.redact("https://user:pass@host/x?access_token=t")).isEqualTo("https://***@host/x?access_token=***");
    assertThat(Secret.redact("https://host/x?sortkey=1")).isEqualTo("https://host/x?sortkey=1");
    assertThat(Secret.redact(null)).isNull();
  }
}
