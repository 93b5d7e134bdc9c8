package io.modelfetch.civitai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.Secret;
import java.io.IOException;
import java.util.Locale;

/**
 * Turns CivitAI's answers into errors that say what to do. The documented answers (research A3):
 * 401 login required or downloads disabled, 403 Early Access with a deadline, no access grant or
 * a blocked client, 404, 410 archived, 429 download limiter, 400 bad parameters; and, for
 * browser-like clients or older servers, a redirect to {@code /login?...reason=download-auth}.
 */
final class ApiErrors {
  static final String ACCOUNT_PAGE = "https://civitai.com/user/account";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_DETAIL = 300;

  private ApiErrors() {
  }

  /**
   * What a request was about.
   *
   * @param what for messages: {@code model version 2514310}, {@code file 2402203 of model version 2514310}
   * @param page the CivitAI web page where a person can see why
   */
  record Subject(String what, String page) {
  }

  /** The error body's fields: {@code {"error","message","deadline"}}, or tRPC's {@code {"code","message"}}. */
  private record Body(String error, String message, String deadline) {
    static Body parse(String body) {
      if (body == null || !body.stripLeading().startsWith("{")) {
        return new Body(null, null, null);
      }
      try {
        JsonNode n = JSON.readTree(body);
        return new Body(text(n, "error"), text(n, "message"), text(n, "deadline"));
      } catch (IOException e) {
        return new Body(null, null, null);
      }
    }

    private static String text(JsonNode n, String field) {
      JsonNode v = n.path(field);
      return v.isValueNode() && !v.asText().isBlank() ? v.asText() : null;
    }

    /** The server's own words for the message, or empty. */
    String detail() {
      String text = error != null && message != null ? error + ": " + message : error != null ? error : message;
      if (text == null) {
        return "";
      }
      text = Secret.redact(text.strip());
      return ": " + (text.length() > MAX_DETAIL ? text.substring(0, MAX_DETAIL) + "..." : text);
    }

    boolean mentions(String words) {
      return contains(error, words) || contains(message, words);
    }

    private static boolean contains(String s, String words) {
      return s != null && s.toLowerCase(Locale.ROOT).contains(words);
    }
  }

  /** The error for a final (not retried, or retries used up) HTTP status. */
  static DownloadException forStatus(int status, String responseBody, Subject subject, boolean tokenSent) {
    Body body = Body.parse(responseBody);
    String detail = body.detail();
    String what = subject.what();
    switch (status) {
      case 401:
        if (body.mentions("disabled downloads")) {
          return new DownloadException(Kind.ACCESS_DENIED, "the creator of " + what + " has disabled downloads of it"
              + " (HTTP 401" + detail + "); no token helps, see " + subject.page());
        }
        return loginRequired(subject, tokenSent, "HTTP 401" + detail);
      case 403:
        if (body.mentions("early access")) {
          return new DownloadException(Kind.ACCESS_DENIED, what + " is in Early Access"
              + (body.deadline() != null ? " until " + body.deadline() : "") + ": buy access with Buzz on "
              + subject.page() + (tokenSent ? " with the account the token belongs to"
                  : " and set CIVITAI_TOKEN to an API key of that account (" + ACCOUNT_PAGE + ")")
              + ", or wait until it is public");
        }
        if (body.mentions("do not have access")) {
          return new DownloadException(Kind.ACCESS_DENIED, "CivitAI says you do not have access to " + what
              + " (HTTP 403" + detail + "); open " + subject.page() + " while logged in to see why"
              + (tokenSent ? ", and use a token of an account that has access"
                  : ", then set CIVITAI_TOKEN to an API key of that account (" + ACCOUNT_PAGE + ")"));
        }
        return new DownloadException(Kind.ACCESS_DENIED, "CivitAI refused " + what + " (HTTP 403" + detail
            + "); your IP address or account may be blocked, or a network filter is in between;"
            + " contact support@civitai.com if it persists");
      case 404:
        return new DownloadException(Kind.NOT_FOUND, "CivitAI has no " + what + " (HTTP 404" + detail
            + "); check the link, the model may have been deleted or unpublished: " + subject.page());
      case 410:
        return new DownloadException(Kind.NOT_FOUND, what + " is archived on CivitAI and can no longer be"
            + " downloaded (HTTP 410" + detail + ")");
      case 429:
        return new DownloadException(Kind.RATE_LIMITED, "CivitAI is limiting requests (HTTP 429" + detail
            + "); wait a few minutes, then run the same download again (it resumes)");
      case 400:
        return new DownloadException(Kind.INVALID_REQUEST, "CivitAI rejected the request for " + what
            + " (HTTP 400" + detail + "); check the link's parameters");
      default:
        if (status >= 500) {
          return new DownloadException(Kind.NETWORK, "CivitAI kept failing with HTTP " + status + " for " + what
              + "; the site has trouble, try again later");
        }
        return new DownloadException(Kind.UNEXPECTED_RESPONSE, "CivitAI answered HTTP " + status + " for " + what
            + detail);
    }
  }

  /** CivitAI wants a login: no token was sent, or the one sent is not valid. */
  static DownloadException loginRequired(Subject subject, boolean tokenSent, String evidence) {
    if (tokenSent) {
      return new DownloadException(Kind.AUTHENTICATION_REQUIRED, "CivitAI did not accept the token for "
          + subject.what() + " (" + evidence + "): it may be mistyped, expired or revoked; create a new API key at "
          + ACCOUNT_PAGE + " and set CIVITAI_TOKEN");
    }
    return new DownloadException(Kind.AUTHENTICATION_REQUIRED, "CivitAI requires you to be logged in to download "
        + subject.what() + " (" + evidence + "): set CIVITAI_TOKEN to an API key (create one at " + ACCOUNT_PAGE + ")");
  }
}
