package io.modelfetch.gdrive;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.Secret;
import io.modelfetch.spi.ResolverContext;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * Where Drive's requests go. Without a configured endpoint, to Drive's own hosts. With one (the
 * builder's {@code endpoint("gdrive", url)}, else env {@code GDRIVE_ENDPOINT}), every URL on
 * {@code drive.google.com}, {@code docs.google.com} or {@code drive.usercontent.google.com} goes
 * to the endpoint instead, with its path and query kept (after the endpoint's own path, if any):
 * the URLs built here as well as those Drive's pages and redirects name. One server can play all
 * three hosts because their paths do not overlap: {@code /uc}, {@code /open} and
 * {@code /embeddedfolderview} are drive.google.com's, {@code /download} is
 * drive.usercontent.google.com's.
 */
final class DriveEndpoint {
  private static final String DRIVE = "https://drive.google.com";

  /** The configured base URL without a trailing slash, or {@code null} for Drive's own hosts. */
  private final URI base;

  private DriveEndpoint(URI base) {
    this.base = base;
  }

  static DriveEndpoint of(ResolverContext context) throws DownloadException {
    Optional<String> configured = context.endpoint(GoogleDriveResolver.NAME).or(() -> context.env("GDRIVE_ENDPOINT"));
    return new DriveEndpoint(configured.isPresent() ? parse(configured.get()) : null);
  }

  private static URI parse(String value) throws DownloadException {
    String trimmed = value.strip().replaceAll("/+$", "");
    try {
      URI uri = URI.create(trimmed);
      if (isHttp(uri) && uri.getHost() != null && uri.getRawQuery() == null && uri.getRawFragment() == null) {
        return uri;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new DownloadException(Kind.INVALID_REQUEST, "the Google Drive endpoint must be an http(s) base URL such as "
        + "https://drive.google.com, was '" + Secret.redact(value) + "'; fix GDRIVE_ENDPOINT or the builder's endpoint");
  }

  /**
   * gdown's first request for a file: it answers with the file itself (small files), a redirect to
   * drive.usercontent.google.com, the virus-scan confirmation page (large files) or an error page.
   */
  URI fileStart(DriveLink link) {
    return route(URI.create(DRIVE + "/uc?id=" + link.id() + "&export=download" + resourceKey(link)));
  }

  /** The plain-HTML listing of a shared folder (research B2, gdown PR #453). */
  URI folderListing(DriveLink link) {
    return route(URI.create(DRIVE + "/embeddedfolderview?id=" + link.id() + resourceKey(link)));
  }

  /** A URL on one of Drive's hosts moved onto the endpoint; any other URL as it is. */
  URI route(URI uri) {
    if (base == null || uri.getHost() == null || !DriveLink.HOSTS.contains(host(uri))) {
      return uri;
    }
    String path = (base.getRawPath() == null ? "" : base.getRawPath()) + (uri.getRawPath() == null ? "" : uri.getRawPath());
    return URI.create(base.getScheme() + "://" + base.getRawAuthority() + path
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
  }

  /**
   * Whether a page may send us to this URL: Google's own hosts, or the endpoint. Hidden form fields
   * are never submitted anywhere else.
   */
  boolean isGoogle(URI uri) {
    String host = host(uri);
    if (base != null && host.equals(host(base)) && uri.getPort() == base.getPort()) {
      return true;
    }
    return host.equals("google.com") || host.endsWith(".google.com") || host.endsWith(".googleusercontent.com");
  }

  private static String resourceKey(DriveLink link) {
    return link.resourceKey() == null ? "" : "&resourcekey=" + link.resourceKey();
  }

  private static String host(URI uri) {
    return uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
  }

  private static boolean isHttp(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    return scheme.equals("https") || scheme.equals("http");
  }
}
