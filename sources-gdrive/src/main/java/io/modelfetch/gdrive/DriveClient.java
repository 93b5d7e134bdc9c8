package io.modelfetch.gdrive;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.Secret;
import io.modelfetch.internal.http.ContentDisposition;
import io.modelfetch.spi.ResolverContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Drive as one download sees it: follows a file's chain of redirects and pages to the response
 * that is the file, as gdown does (research B2), and fetches folder listings. The context's client
 * never follows redirects, so they are followed here, each one moved onto the endpoint when one is
 * configured. A response with {@code Content-Disposition} is the file: its body is not read, the
 * engine downloads it. Any other response is a page, read up to {@link #MAX_PAGE} bytes, that
 * either leads on (the virus-scan confirmation) or says why there is no file.
 */
final class DriveClient {
  /** Drive's pages are a few kilobytes; a folder listing of many files some hundreds. */
  static final int MAX_PAGE = 2 * 1024 * 1024;
  /** Requests per file: redirect, confirmation page, redirect, file is the usual chain. */
  private static final int MAX_REQUESTS = 10;
  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

  private final ResolverContext context;
  private final DriveEndpoint endpoint;

  DriveClient(ResolverContext context, DriveEndpoint endpoint) {
    this.context = context;
    this.endpoint = endpoint;
  }

  DriveEndpoint endpoint() {
    return endpoint;
  }

  /**
   * Where a file's bytes are, starting at {@code start}.
   *
   * @param link the file, for messages
   * @throws DownloadException with the kind and advice of the refusal when Drive does not serve the file
   */
  DriveFile file(DriveLink link, URI start) throws DownloadException {
    URI url = start;
    Set<URI> asked = new HashSet<>();
    for (int i = 0; i < MAX_REQUESTS && asked.add(url); i++) {
      HttpResponse<InputStream> response = get(url);
      int status = response.statusCode();
      try (InputStream body = response.body()) {
        if (REDIRECTS.contains(status)) {
          url = redirect(response, url, link);
          continue;
        }
        Optional<String> disposition = response.headers().firstValue("Content-Disposition");
        if (status / 100 == 2 && disposition.isPresent()) {
          return new DriveFile(url, ContentDisposition.fileName(disposition.get()).orElse(null), size(response));
        }
        DrivePage page = DrivePage.parse(read(body), url);
        Optional<DownloadException> stated = DriveErrors.stated(page, link);
        if (stated.isPresent()) {
          throw stated.get();
        }
        if (status / 100 != 2) {
          throw DriveErrors.forStatus(status, link);
        }
        url = onward(page.next().orElseThrow(() -> DriveErrors.unreadable(link, page.title())), link);
      } catch (IOException e) {
        throw lost(link, e);
      }
    }
    throw DriveErrors.noEnd(link);
  }

  /** A page (a folder listing), following redirects; Drive's refusals become errors. */
  String page(DriveLink link, URI start) throws DownloadException {
    URI url = start;
    for (int i = 0; i < MAX_REQUESTS; i++) {
      HttpResponse<InputStream> response = get(url);
      int status = response.statusCode();
      try (InputStream body = response.body()) {
        if (REDIRECTS.contains(status)) {
          url = redirect(response, url, link);
          continue;
        }
        String html = read(body);
        Optional<DownloadException> stated = DriveErrors.stated(DrivePage.parse(html, url), link);
        if (stated.isPresent()) {
          throw stated.get();
        }
        if (status != 200) {
          throw DriveErrors.forStatus(status, link);
        }
        return html;
      } catch (IOException e) {
        throw lost(link, e);
      }
    }
    throw DriveErrors.noEnd(link);
  }

  /** Asks for English pages: quota and permission answers are recognised by their words. */
  private HttpResponse<InputStream> get(URI url) throws DownloadException {
    HttpRequest request = HttpRequest.newBuilder(url).header("Accept-Language", "en-US,en;q=0.8").GET().build();
    return context.send(request, BodyHandlers.ofInputStream());
  }

  /** The next URL of a redirect; the sign-in page ends the chain, it is never followed. */
  private URI redirect(HttpResponse<?> response, URI from, DriveLink link) throws DownloadException {
    String location = response.headers().firstValue("Location").orElse(null);
    URI next = null;
    try {
      next = location == null ? null : from.resolve(new URI(location.strip()));
    } catch (URISyntaxException | IllegalArgumentException e) {
      // reported below
    }
    if (next == null || next.getHost() == null || !isHttp(next)) {
      throw new DownloadException(Kind.UNEXPECTED_RESPONSE, "Google Drive redirected the request for "
          + DriveErrors.what(link) + " (HTTP " + response.statusCode() + ") to no usable URL: '"
          + Secret.redact(location) + "'");
    }
    if (next.getHost().equalsIgnoreCase("accounts.google.com") || next.getRawPath() != null
        && next.getRawPath().contains("ServiceLogin")) {
      throw DriveErrors.signIn(link);
    }
    return endpoint.route(next);
  }

  /** A URL a page leads to; hidden form fields go only to Google's hosts or the endpoint. */
  private URI onward(URI next, DriveLink link) throws DownloadException {
    URI routed = endpoint.route(next);
    if (!endpoint.isGoogle(routed)) {
      throw new DownloadException(Kind.UNEXPECTED_RESPONSE, "Google Drive's page for " + DriveErrors.what(link)
          + " leads to " + routed.getHost() + ", which is not Google's; modelfetch does not follow it");
    }
    return routed;
  }

  /** The size the file response announces, or -1 (encoded or chunked bodies do not tell). */
  private static long size(HttpResponse<?> response) {
    boolean encoded = response.headers().firstValue("Content-Encoding")
        .map(v -> !v.isBlank() && !v.strip().equalsIgnoreCase("identity")).orElse(false);
    return encoded ? -1 : response.headers().firstValueAsLong("Content-Length").orElse(-1);
  }

  private static String read(InputStream body) throws IOException {
    return new String(body.readNBytes(MAX_PAGE), StandardCharsets.UTF_8);
  }

  private static DownloadException lost(DriveLink link, IOException e) {
    return new DownloadException(Kind.NETWORK, "lost the connection to Google Drive while asking for "
        + DriveErrors.what(link) + "; run the same download again", e);
  }

  private static boolean isHttp(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    return scheme.equals("https") || scheme.equals("http");
  }

  /**
   * A file Drive is ready to serve.
   *
   * @param url the request that answered with the file
   * @param fileName the name in its {@code Content-Disposition}, unsanitised (the engine sanitises it), or {@code null}
   * @param size its {@code Content-Length}, or -1
   */
  record DriveFile(URI url, String fileName, long size) {
  }
}
