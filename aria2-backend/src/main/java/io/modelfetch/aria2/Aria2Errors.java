package io.modelfetch.aria2;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.Secret;
import java.net.URI;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * aria2's error codes ({@code errorCode} of {@code tellStatus}, the "EXIT STATUS" table of its
 * manual) as the same {@link DownloadException} kinds the built-in backend reports, with messages
 * that say what to do.
 */
final class Aria2Errors {
  /**
   * Code 22 ("bad HTTP response") may name the status in its message ("... status=403"); once
   * every attempt failed, the message is often just "No URI available."
   */
  private static final Pattern HTTP_STATUS = Pattern.compile("status=(\\d{3})");

  private Aria2Errors() {
  }

  /** The HTTP status aria2 failed on, when its message names one. */
  private static OptionalInt httpStatus(Aria2Status status) {
    Matcher m = HTTP_STATUS.matcher(status.errorMessage());
    return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
  }

  static DownloadException of(Aria2Status status, URI url, Path part) {
    String where = Secret.redact(url.toString());
    String said = status.errorMessage().isBlank() ? "" : " (aria2c: " + Secret.redact(status.errorMessage()) + ")";
    int code = status.errorCode();
    switch (code) {
      case 3:
      case 4:
        return new DownloadException(Kind.NOT_FOUND, "not found: " + where + said
            + "; check the URL, or whether the file was removed");
      case 9:
        return new DownloadException(Kind.INSUFFICIENT_SPACE, "not enough disk space for " + part.getFileName()
            + " in " + part.getParent() + said + "; free some space or choose another folder");
      case 24:
        return forHttpStatus(401, url, said);
      case 22:
        return forHttpStatus(httpStatus(status).orElse(0), url, said);
      case 2:
      case 5:
      case 6:
      case 19:
      case 29:
        return new DownloadException(Kind.NETWORK, "network error for " + where + said
            + "; check your connection and run the same command again to resume");
      case 8:
        return new DownloadException(Kind.UNEXPECTED_RESPONSE, "the server stopped honouring range requests for "
            + where + ", so the partial download cannot be resumed" + said
            + "; the partial file was removed, run the same command again to start over");
      case 10:
        return new DownloadException(Kind.LOCAL_IO, "aria2c cannot resume " + part + " with its control file" + said
            + "; the partial file was removed, run the same command again to start over");
      case 14:
      case 15:
      case 16:
      case 17:
      case 18:
        return new DownloadException(Kind.LOCAL_IO, "aria2c could not write " + part + said
            + "; check that the folder is writable and the disk is healthy");
      case 23:
        return new DownloadException(Kind.UNEXPECTED_RESPONSE, where + " redirected too many times" + said);
      case 32:
        return new DownloadException(Kind.CHECKSUM_MISMATCH, "the download of " + part.getFileName()
            + " does not have the expected SHA-256" + said + "; run the same command again");
      default:
        if (status.errorMessage().contains("SSL/TLS")) {
          return new DownloadException(Kind.NETWORK, "TLS with " + url.getHost() + " failed" + said
              + "; if a proxy or private mirror uses its own CA, pass it with --ca-file / trustCertificates");
        }
        return new DownloadException(Kind.UNEXPECTED_RESPONSE, "aria2c failed to download " + where
            + " (error code " + code + ")" + said + "; try again, or use the built-in backend (--backend jdk)");
    }
  }

  private static DownloadException forHttpStatus(int httpStatus, URI url, String said) {
    String where = Secret.redact(url.toString());
    String host = url.getHost();
    switch (httpStatus) {
      case 401:
        return new DownloadException(Kind.AUTHENTICATION_REQUIRED, host + " requires authentication (HTTP 401) for "
            + where + said + ": configure a token for this source, or check that the one you use is still valid");
      case 403:
        return new DownloadException(Kind.ACCESS_DENIED, host + " refused access (HTTP 403) to " + where + said
            + ": the token may lack permission for this file, or the link has expired; request a fresh link");
      case 404:
      case 410:
        return new DownloadException(Kind.NOT_FOUND, "not found (HTTP " + httpStatus + "): " + where + said
            + "; check the URL, or whether the file was removed");
      case 429:
        return new DownloadException(Kind.RATE_LIMITED, host + " kept answering 'too many requests' (HTTP 429) for "
            + where + said + "; wait a few minutes, use fewer connections, or use a token if the source offers "
            + "higher limits");
      default:
        if (httpStatus >= 500) {
          return new DownloadException(Kind.NETWORK, host + " kept failing with HTTP " + httpStatus + " for " + where
              + said + "; the server has trouble, try again later");
        }
        return new DownloadException(Kind.UNEXPECTED_RESPONSE, "the server refused the requests for " + where + said
            + "; run the same command again to resume, or use the built-in backend (--backend jdk)");
    }
  }
}
