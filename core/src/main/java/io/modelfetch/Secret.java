package io.modelfetch;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A credential (API token, bearer token) that never prints itself.
 *
 * <p>{@code toString()} is always {@code ***}, so a secret that ends up in a log line, an exception
 * message or a progress event shows nothing. The value is read only through {@link #reveal()}, a
 * name chosen so that every place that needs the raw token stands out in review.
 *
 * <pre>{@code
 * Secret token = Secret.of(System.getenv("CIVITAI_TOKEN"));
 * log.info("using {}", token);           // using ***
 * }</pre>
 *
 * <p>{@link #redact(String)} is the companion for URLs: it masks {@code token=}-style query
 * parameters and user info, and is applied to every URL the library logs or puts in a message.
 */
public final class Secret {
  private static final Pattern SENSITIVE_QUERY = Pattern.compile(
      "(?i)([?&;](?:token|access_token|api_key|apikey|key|auth|sig|signature|x-amz-signature|x-amz-credential"
          + "|x-amz-security-token|x-goog-signature|x-goog-credential|password|secret)=)[^&#;]*");
  private static final Pattern USER_INFO = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@?#]*@");

  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  /**
   * Wraps a token. Surrounding whitespace (a trailing newline from a token file) is trimmed.
   *
   * @throws IllegalArgumentException if the value is null or blank; use {@link #ofNullable} for
   *     optional sources such as environment variables
   */
  public static Secret of(String value) {
    Secret secret = ofNullable(value);
    if (secret == null) {
      throw new IllegalArgumentException("secret must not be null or blank");
    }
    return secret;
  }

  /** Wraps a token, or returns {@code null} when the value is null or blank. */
  public static Secret ofNullable(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    return new Secret(value.strip());
  }

  /** The raw value. Call it only where the token is put on the wire. */
  public String reveal() {
    return value;
  }

  /**
   * Masks credentials in a URL: {@code token=}, {@code key=}, signature parameters of presigned
   * URLs, and {@code user:password@}. Anything that is not a URL is returned with the same query
   * parameters masked.
   */
  public static String redact(String url) {
    if (url == null) {
      return null;
    }
    String masked = USER_INFO.matcher(url).replaceFirst("$1***@");
    Matcher m = SENSITIVE_QUERY.matcher(masked);
    return m.replaceAll("$1***");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret && ((Secret) o).value.equals(value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(value);
  }

  @Override
  public String toString() {
    return "***";
  }
}
