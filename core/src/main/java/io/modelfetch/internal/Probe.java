package io.modelfetch.internal;

import io.modelfetch.AddressPolicy;
import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.RetryInfo;
import io.modelfetch.Secret;
import io.modelfetch.internal.http.ContentDisposition;
import io.modelfetch.internal.http.ContentRange;
import io.modelfetch.internal.http.DataClient;
import io.modelfetch.internal.http.ProtocolException;
import io.modelfetch.internal.http.Response;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The first request for a file: a GET of {@code bytes=0-0}, not a HEAD (presigned CDN URLs may
 * refuse HEAD). It follows redirects with host-scoped credentials and learns the final URL, the
 * size, whether ranges work, the validator for {@code If-Range}, and the server's file name.
 *
 * @param finalUrl where every later request goes
 * @param size the complete size, or -1 when the server did not say
 * @param acceptsRanges whether a 206 with a total came back
 * @param validator a strong ETag, else Last-Modified; null when neither
 * @param fileName the name in Content-Disposition, unsanitised; null when absent
 * @param contentType the Content-Type, lower case without parameters; null when absent
 */
record Probe(URI finalUrl, long size, boolean acceptsRanges, String validator, String fileName, String contentType) {

  @SuppressWarnings("try") // the cancel registration is only held open while the answer is read
  static Probe run(DataClient data, URI start, ScopedHeaders credentials, EngineConfig config, DownloadTask task)
      throws DownloadException {
    int attempts = config.maxAttempts();
    for (int attempt = 1; ; attempt++) {
      task.checkNotCancelled();
      Duration wait;
      String reason;
      Response response = null;
      try {
        response = data.follow(start, credentials::forUri, Map.of("Range", "bytes=0-0"));
        int status = response.status();
        if (status == 206 || status == 200 || status == 416) {
          try (Cancellation.Registration r = task.cancellation().onCancel(response::abort)) {
            return read(response);
          }
        }
        response.discard(64 * 1024);
        wait = Backoff.retryWait(response, attempt, attempts);
        reason = "HTTP " + status + " from " + response.uri().getHost();
      } catch (ProtocolException e) {
        abort(response);
        throw new DownloadException(Kind.UNEXPECTED_RESPONSE, "the server at " + start.getHost()
            + " broke the HTTP protocol: " + Secret.redact(e.getMessage()), e);
      } catch (AddressPolicy.Refused e) {
        throw HttpErrors.refused(e, start);
      } catch (IOException e) {
        abort(response);
        task.checkNotCancelled();
        if (attempt >= attempts) {
          throw HttpErrors.forIo(e, start, attempt);
        }
        wait = Backoff.exponential(attempt + 1);
        reason = HttpErrors.describe(e) + " for " + Secret.redact(start.toString());
      }
      task.events().retrying(new RetryInfo(reason, attempt + 1, wait));
      task.sleep(wait);
    }
  }

  private static Probe read(Response response) throws IOException, DownloadException {
    int status = response.status();
    String contentType = response.header("Content-Type")
        .map(v -> v.split(";", 2)[0].strip().toLowerCase(Locale.ROOT)).orElse(null);
    String fileName = ContentDisposition.fileName(response.header("Content-Disposition").orElse(null)).orElse(null);
    String validator = validator(response);
    boolean encoded = response.header("Content-Encoding")
        .map(v -> !v.isBlank() && !v.strip().equalsIgnoreCase("identity")).orElse(false);
    long size = -1;
    boolean ranges = false;
    if (status == 206) {
      Optional<ContentRange> range = ContentRange.parse(response.header("Content-Range").orElse(null));
      if (range.isPresent() && range.get().first() == 0 && range.get().total() >= 0 && !encoded) {
        size = range.get().total();
        ranges = true;
      }
      response.discard(64 * 1024);
    } else if (status == 416) {
      // bytes=0-0 of an empty file cannot be satisfied; the server says "bytes */0"
      String cr = response.header("Content-Range").orElse("");
      if (cr.strip().matches("(?i)bytes\\s+\\*/0")) {
        size = 0;
      } else {
        response.discard(64 * 1024);
        throw new DownloadException(Kind.UNEXPECTED_RESPONSE, "the server refused the first byte range of "
            + Secret.redact(response.uri().toString()) + " (HTTP 416, Content-Range '" + cr + "')");
      }
      response.discard(64 * 1024);
    } else {
      if (!encoded && response.contentLength() >= 0) {
        size = response.contentLength();
      }
      if (response.contentLength() == 0) {
        response.close();
      } else {
        response.abort();
      }
    }
    return new Probe(response.uri(), size, ranges, validator, fileName, contentType);
  }

  /** The same file, to be fetched as one stream: its server answers range requests with the whole file. */
  Probe withoutRanges() {
    return new Probe(finalUrl, size, false, validator, fileName, contentType);
  }

  /** A strong ETag (weak ones cannot be used in If-Range), else Last-Modified. */
  private static String validator(Response response) {
    Optional<String> etag = response.header("ETag").map(String::strip);
    if (etag.isPresent() && !etag.get().startsWith("W/") && !etag.get().isEmpty()) {
      return etag.get();
    }
    return response.header("Last-Modified").map(String::strip).orElse(null);
  }

  private static void abort(Response response) {
    if (response != null) {
      response.abort();
    }
  }
}
