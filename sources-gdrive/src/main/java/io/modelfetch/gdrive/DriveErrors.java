package io.modelfetch.gdrive;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import java.util.List;
import java.util.Optional;

/**
 * Drive's refusals as errors that say what to do (research B2 "Error pages", B4). Drive never
 * explains itself in a status code alone: the quota and permission answers are pages, so the page
 * is read first and the status is the fallback.
 */
final class DriveErrors {
  private static final String SHARE = "Share > General access > 'Anyone with the link'";
  /** The quota page's words, and the Drive API's for the same limit. */
  private static final List<String> QUOTA = List.of("too many users have viewed or downloaded this file recently",
      "download quota for this file has been exceeded", "downloadquotaexceeded");
  /** What Drive shows a signed-in account without permission (inference: not seen anonymously). */
  private static final List<String> NO_PERMISSION = List.of("you need access", "you need permission");
  private static final int MAX_CAPTION = 300;

  private DriveErrors() {
  }

  /** The error a page states, if it states one. */
  static Optional<DownloadException> stated(DrivePage page, DriveLink link) {
    if (page.isSignIn()) {
      return Optional.of(signIn(link));
    }
    if (QUOTA.stream().anyMatch(page::mentions)) {
      return Optional.of(quota(link));
    }
    Optional<String> caption = page.errorCaption().map(DriveErrors::shortened);
    if (caption.isPresent() && caption.get().contains("does not exist")) {
      return Optional.of(notFound(link, "Drive says: " + caption.get()));
    }
    if (caption.isPresent()) {
      return Optional.of(new DownloadException(Kind.ACCESS_DENIED, "Google Drive refused " + what(link)
          + ", saying: \"" + caption.get() + "\"; check that it is shared as 'Anyone with the link' (" + SHARE
          + "), or try again later"));
    }
    if (NO_PERMISSION.stream().anyMatch(page::mentions)) {
      return Optional.of(noAccess(link, "a 'you need access' page"));
    }
    return Optional.empty();
  }

  static DownloadException quota(DriveLink link) {
    return new DownloadException(Kind.QUOTA_EXCEEDED, "Google Drive will not serve " + what(link) + " right now:"
        + " too many users have viewed or downloaded it recently (Drive's download quota for the file). Try again"
        + " later, it can take up to 24 hours; or open " + link.webPage() + " signed in to Google, make a copy in"
        + " your own Drive, share the copy as 'Anyone with the link' and download the copy's link");
  }

  static DownloadException signIn(DriveLink link) {
    return new DownloadException(Kind.AUTHENTICATION_REQUIRED, "Google Drive asks to sign in before it serves "
        + what(link) + ", so it is not shared publicly, and modelfetch cannot sign in to Google: ask its owner to"
        + " share it as 'Anyone with the link' (" + SHARE + "); the link then opens in a private browser window"
        + " without signing in");
  }

  static DownloadException noAccess(DriveLink link, String evidence) {
    return new DownloadException(Kind.ACCESS_DENIED, "Google Drive denies access to " + what(link) + " (" + evidence
        + "): it must be shared as 'Anyone with the link' (" + SHARE + "); ask its owner, or request access at "
        + link.webPage());
  }

  static DownloadException notFound(DriveLink link, String evidence) {
    return new DownloadException(Kind.NOT_FOUND, "Google Drive has no " + what(link) + " (" + evidence + "): check"
        + " that the link was copied whole; the file may have been deleted, or its owner moved it to the trash");
  }

  /** A status that came with no page that explains it. */
  static DownloadException forStatus(int status, DriveLink link) {
    switch (status) {
      case 404:
      case 410:
        return notFound(link, "HTTP " + status);
      case 401:
        return signIn(link);
      case 403:
        return noAccess(link, "HTTP 403");
      case 429:
        return new DownloadException(Kind.RATE_LIMITED, "Google Drive is limiting requests (HTTP 429) for "
            + what(link) + "; wait a few minutes, then run the same download again");
      default:
        if (status >= 500) {
          return new DownloadException(Kind.NETWORK, "Google Drive kept failing with HTTP " + status + " for "
              + what(link) + "; it has trouble, try again later");
        }
        return new DownloadException(Kind.UNEXPECTED_RESPONSE, "Google Drive answered HTTP " + status + " for "
            + what(link) + "; open " + link.webPage() + " in a browser to see why");
    }
  }

  /** A page with neither the file, nor a way on, nor an error modelfetch knows. */
  static DownloadException unreadable(DriveLink link, String title) {
    return new DownloadException(Kind.UNEXPECTED_RESPONSE, "Google Drive answered the request for " + what(link)
        + " with a page modelfetch does not understand" + (title.isEmpty() ? "" : " ('" + shortened(title) + "')")
        + " instead of the file. It must be shared as 'Anyone with the link'; if " + link.webPage()
        + " downloads in a private browser window, Drive may have changed its pages: please report it");
  }

  /** The confirmation came back again, or the chain of pages and redirects did not end. */
  static DownloadException noEnd(DriveLink link) {
    return new DownloadException(Kind.UNEXPECTED_RESPONSE, "Google Drive kept answering the request for "
        + what(link) + " with its confirmation page or redirects instead of the file; try again later, and check"
        + " that " + link.webPage() + " downloads in a private browser window");
  }

  static String what(DriveLink link) {
    return link.type().label + " " + link.id();
  }

  private static String shortened(String text) {
    return text.length() > MAX_CAPTION ? text.substring(0, MAX_CAPTION) + "..." : text;
  }
}
