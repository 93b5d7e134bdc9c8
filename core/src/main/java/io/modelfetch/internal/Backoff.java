package io.modelfetch.internal;

import io.modelfetch.DownloadException;
import io.modelfetch.internal.http.Response;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long to wait before the next attempt: what the server asked for when it said so
 * ({@code Retry-After}, or the IETF draft {@code RateLimit: "bucket";r=0;t=N} that Hugging Face
 * sends), else exponential backoff from 1 s doubling to 8 s with jitter.
 */
public final class Backoff {
  private static final Pattern RATE_LIMIT_RESET = Pattern.compile("(?:^|[;,\\s])t=(\\d{1,6})(?:$|[;,\\s])");
  static final Duration BASE = Duration.ofSeconds(1);
  static final Duration MAX = Duration.ofSeconds(8);
  /**
   * The longest server-requested wait we honour; longer ones fail at once with a message saying
   * how long ({@link HttpErrors#forLongWait}).
   */
  public static final Duration MAX_SERVER_WAIT = Duration.ofMinutes(5);

  private Backoff() {
  }

  /**
   * The wait before attempt {@code attempt} (2 for the first retry).
   *
   * @param retryAfter the Retry-After header, or null
   * @param rateLimit the RateLimit header, or null
   */
  public static Duration delay(int attempt, String retryAfter, String rateLimit) {
    Optional<Duration> asked = serverDelay(retryAfter, rateLimit);
    if (asked.isPresent()) {
      return asked.get();
    }
    return exponential(attempt);
  }

  /** Exponential backoff with jitter: 1, 2, 4, 8, 8... seconds, each +/- 25%. */
  public static Duration exponential(int attempt) {
    long base = BASE.toMillis() << Math.min(10, Math.max(0, attempt - 2));
    long capped = Math.min(MAX.toMillis(), base);
    long jitter = (long) (capped * 0.25 * (ThreadLocalRandom.current().nextDouble() * 2 - 1));
    return Duration.ofMillis(Math.max(100, capped + jitter));
  }

  /** What the server asked for: {@code RateLimit ... t=N} (exactly N s) wins over {@code Retry-After}. */
  public static Optional<Duration> serverDelay(String retryAfter, String rateLimit) {
    if (rateLimit != null) {
      Matcher m = RATE_LIMIT_RESET.matcher(rateLimit);
      if (m.find()) {
        return Optional.of(Duration.ofSeconds(Long.parseLong(m.group(1))));
      }
    }
    if (retryAfter != null) {
      String v = retryAfter.strip();
      if (v.matches("\\d{1,9}")) {
        return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
      }
      try {
        ZonedDateTime when = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(ZonedDateTime.now(when.getZone()), when);
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /**
   * The wait before retrying a failed response, or the error to give up with: when the status is
   * not worth retrying, the attempts are used up, or the server asks for longer than
   * {@link #MAX_SERVER_WAIT}. The caller has already read or dropped the body.
   */
  public static Duration retryWait(Response response, int attempt, int maxAttempts) throws DownloadException {
    int status = response.status();
    if (!retryableStatus(status) || attempt >= maxAttempts) {
      throw HttpErrors.forStatus(status, response.uri());
    }
    Duration wait = delay(attempt + 1, response.header("Retry-After").orElse(null),
        response.header("RateLimit").orElse(null));
    if (wait.compareTo(MAX_SERVER_WAIT) > 0) {
      throw HttpErrors.forLongWait(status, response.uri(), wait);
    }
    return wait;
  }

  /** Whether a status is worth retrying: request timeout, rate limited, or a transient server error. */
  public static boolean retryableStatus(int status) {
    return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
  }
}
