package io.modelfetch.server;

import io.modelfetch.AddressPolicy;
import io.modelfetch.DownloadException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The library's errors as the API answers them: the library's own message (it says what to do and
 * never holds a secret), its kind, and an HTTP status.
 */
final class ApiErrors {
  private ApiErrors() {
  }

  static Map<String, Object> describe(DownloadException e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", e.kind().name());
    String message = e.getMessage();
    if (e.getCause() instanceof AddressPolicy.Refused) {
      message += ". The server was started without --allow-private; restart it with --allow-private to download"
          + " from your own network";
    } else if (e.kind() == DownloadException.Kind.AUTHENTICATION_REQUIRED) {
      message += ". Tokens come from the server's environment (CIVITAI_TOKEN, HF_TOKEN): set one and restart the server";
    }
    m.put("message", message);
    return m;
  }

  static Json.ApiError of(DownloadException e) {
    int status;
    switch (e.kind()) {
      case INVALID_REQUEST:
      case UNSUPPORTED_SOURCE:
        status = 400;
        break;
      case AUTHENTICATION_REQUIRED:
        status = 401;
        break;
      case ACCESS_DENIED:
        status = 403;
        break;
      case NOT_FOUND:
        status = 404;
        break;
      case RATE_LIMITED:
      case QUOTA_EXCEEDED:
        status = 429;
        break;
      default:
        status = 502;
    }
    return new Json.ApiError(status, e.kind().name(), describe(e).get("message").toString());
  }
}
