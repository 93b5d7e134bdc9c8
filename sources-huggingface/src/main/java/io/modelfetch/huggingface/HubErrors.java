package io.modelfetch.huggingface;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the Hub's error answers into errors that say what to do. The Hub names the failure in
 * {@code X-Error-Code} ({@code RepoNotFound}, {@code GatedRepo}, {@code EntryNotFound},
 * {@code RevisionNotFound}); disabled repositories are recognised by {@code X-Error-Message}, and
 * a rejected token by the 401 message, as huggingface_hub's {@code hf_raise_for_status} does.
 */
final class HubErrors {
  static final String TOKEN_PAGE = "https://huggingface.co/settings/tokens";
  private static final String DISABLED = "Access to this resource is disabled.";
  private static final String INVALID_CREDENTIALS = "Invalid credentials in Authorization header";
  private static final Pattern RESET = Pattern.compile("(?:^|[;,\\s])t=(\\d{1,6})(?:$|[;,\\s])");

  private final HubLocation repo;
  private final String base;
  private final Optional<HubToken> token;

  HubErrors(HubLocation repo, String base, Optional<HubToken> token) {
    this.repo = repo;
    this.base = base;
    this.token = token;
  }

  /**
   * The error for an unsuccessful answer.
   *
   * @param revision the revision asked for
   * @param path the file asked for, or {@code null} for repository calls
   */
  DownloadException forResponse(int status, HttpHeaders headers, String revision, String path) {
    String code = headers.firstValue("X-Error-Code").orElse("");
    String message = headers.firstValue("X-Error-Message").orElse("");
    String name = repo.displayName();
    String page = repo.pageUrl(base);
    if (message.equals(DISABLED)) {
      return new DownloadException(Kind.ACCESS_DENIED, "the repository " + name
          + " has been disabled on the Hub and cannot be downloaded (see " + page + ")");
    }
    switch (code) {
      case "GatedRepo":
        return token.isEmpty()
            ? new DownloadException(Kind.AUTHENTICATION_REQUIRED, name + " is a gated repository: accept its "
                + "conditions at " + page + " while logged in, then set HF_TOKEN to a token of that account "
                + "(create one at " + TOKEN_PAGE + ")")
            : new DownloadException(Kind.ACCESS_DENIED, name + " is a gated repository and " + token.get().origin()
                + " has no access yet: accept its conditions at " + page + " with the token's account (requests "
                + "may need the authors' approval), and for a fine-grained token allow reading gated repositories at "
                + TOKEN_PAGE);
      case "RepoNotFound":
        return repoNotFound(status);
      case "RevisionNotFound":
        return new DownloadException(Kind.NOT_FOUND, "the revision '" + revision + "' does not exist in " + name
            + ": check the branch, tag or commit name at " + page + "/tree/main");
      case "EntryNotFound":
        return new DownloadException(Kind.NOT_FOUND, "'" + path + "' does not exist in " + name
            + " at revision '" + revision + "': check the path (it is case-sensitive) at " + page + "/tree/"
            + PercentEncoding.segment(revision));
      default:
        break;
    }
    if (status == 401 && message.equals(INVALID_CREDENTIALS)) {
      return new DownloadException(Kind.AUTHENTICATION_REQUIRED, "the Hub rejected "
          + token.map(HubToken::origin).orElse("the token") + " as invalid or expired: create a new token at "
          + TOKEN_PAGE + " and set HF_TOKEN (or run 'hf auth login')");
    }
    if (status == 401) {
      return repoNotFound(status);
    }
    if (status == 403) {
      return new DownloadException(Kind.ACCESS_DENIED, "the Hub refused access to " + name + " (HTTP 403)"
          + token.map(t -> ": " + t.origin() + " lacks permission for it; a fine-grained token needs read access "
              + "to this repository (" + TOKEN_PAGE + ")").orElse(": set HF_TOKEN to a token with access ("
              + TOKEN_PAGE + ")"));
    }
    if (status == 404) {
      return new DownloadException(Kind.NOT_FOUND, "not found on the Hub (HTTP 404): " + name
          + (path == null ? "" : " file '" + path + "'") + " at revision '" + revision + "'; check the URL at " + page);
    }
    if (status == 429) {
      String wait = reset(headers).map(d -> " for about " + d.toSeconds() + " s").orElse("");
      return new DownloadException(Kind.RATE_LIMITED, "the Hub is rate-limiting requests" + wait
          + (token.isEmpty() ? "; set HF_TOKEN (" + TOKEN_PAGE + "): anonymous requests have the lowest limits"
              : "; wait, then run the same command again (finished files are kept)"));
    }
    if (status >= 500) {
      return new DownloadException(Kind.NETWORK, "the Hub answered HTTP " + status + " for " + name
          + "; it has trouble, try again later (see https://status.huggingface.co)");
    }
    return new DownloadException(Kind.UNEXPECTED_RESPONSE, "unexpected HTTP " + status + " from the Hub for " + name
        + (code.isEmpty() ? "" : " (" + code + ")") + (message.isEmpty() ? "" : ": " + message));
  }

  /** The Hub answers 401 for private, gated-but-anonymous and missing repositories alike. */
  private DownloadException repoNotFound(int status) {
    String name = repo.displayName();
    if (token.isEmpty()) {
      return new DownloadException(status == 401 ? Kind.AUTHENTICATION_REQUIRED : Kind.NOT_FOUND,
          "the repository " + name + " was not found: check the name, or if it is private set HF_TOKEN to a token "
              + "with access (create one at " + TOKEN_PAGE + ")");
    }
    return new DownloadException(Kind.NOT_FOUND, "the repository " + name + " was not found with "
        + token.get().origin() + ": check the name, and that the token's account can see it");
  }

  /** How long until the window resets, from {@code RateLimit: "resolvers";r=0;t=N}. */
  private static Optional<Duration> reset(HttpHeaders headers) {
    return headers.firstValue("RateLimit").map(RESET::matcher).filter(Matcher::find)
        .map(m -> Duration.ofSeconds(Long.parseLong(m.group(1))))
        .or(() -> headers.firstValue("Retry-After").filter(v -> v.strip().matches("\\d{1,9}"))
            .map(v -> Duration.ofSeconds(Long.parseLong(v.strip()))));
  }
}
