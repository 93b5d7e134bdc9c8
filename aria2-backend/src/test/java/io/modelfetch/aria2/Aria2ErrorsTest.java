package io.modelfetch.aria2;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** aria2's error codes become the kinds the built-in backend reports, with messages free of secrets. */
class Aria2ErrorsTest {
  private static final URI SIGNED = URI.create("https://cdn.example.com/m.safetensors?X-Amz-Signature=deadbeef&token=hf_secret");

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "3  | Resource not found                                      | NOT_FOUND",
      "4  | ''                                                      | NOT_FOUND",
      "9  | No space left on device                                 | INSUFFICIENT_SPACE",
      "24 | Authorization failed.                                   | AUTHENTICATION_REQUIRED",
      "22 | The response status is not successful. status=401       | AUTHENTICATION_REQUIRED",
      "22 | The response status is not successful. status=403       | ACCESS_DENIED",
      "22 | The response status is not successful. status=404       | NOT_FOUND",
      "22 | The response status is not successful. status=429       | RATE_LIMITED",
      "22 | The response status is not successful. status=502       | NETWORK",
      "22 | No URI available.                                       | UNEXPECTED_RESPONSE",
      "32 | ''                                                      | CHECKSUM_MISMATCH",
      "2  | Timeout.                                                | NETWORK",
      "6  | Connection refused                                      | NETWORK",
      "19 | Name resolution for cdn.example.com failed              | NETWORK",
      "29 | The response status is not successful. status=503       | NETWORK",
      "17 | Failed to write into the file /x/m.safetensors.part     | LOCAL_IO",
      "1  | SSL/TLS handshake failure: issuer is not known          | NETWORK",
      "1  | Something else                                          | UNEXPECTED_RESPONSE",
  })
  void mapsErrorCodes(int code, String message, Kind kind) {
    DownloadException e = Aria2Errors.of(new Aria2Status("error", 0, 0, 0, 0, code, message), SIGNED,
        Path.of("/models/m.safetensors.part"));
    assertThat(e.kind()).isEqualTo(kind);
    assertThat(e.getMessage()).doesNotContain("deadbeef").doesNotContain("hf_secret");
  }

  @ParameterizedTest
  @CsvSource({"9, free some space", "24, token", "3, check the URL", "6, run the same command again"})
  void saysWhatToDo(int code, String advice) {
    DownloadException e = Aria2Errors.of(new Aria2Status("error", 0, 0, 0, 0, code, ""), SIGNED,
        Path.of("/models/m.safetensors.part"));
    assertThat(e.getMessage()).contains(advice);
  }
}
