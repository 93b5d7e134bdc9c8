package io.modelfetch.civitai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.Secret;
import io.modelfetch.civitai.ApiErrors.Subject;
import io.modelfetch.spi.RemoteFile;
import io.modelfetch.spi.ResolverContext;
import io.modelfetch.spi.ScopedHeader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * CivitAI's REST API and download endpoint, as one download sees them: the base URL (the
 * configured endpoint, else the CivitAI host the user's URL named), the token, and the hosts that
 * may see it.
 *
 * <p>The download endpoint is asked here rather than by the engine so that its documented
 * answers become precise errors, and so that its redirect to the presigned storage URL is
 * followed without the token: only CivitAI's own hosts and the configured endpoint ever see it.
 */
final class CivitaiApi {
  static final String DEFAULT_HOST = "civitai.com";
  private static final Set<String> CIVITAI_HOSTS = Set.of("civitai.com", "www.civitai.com", "civitai.green",
      "www.civitai.green", "civitai.red", "www.civitai.red", "api.civitai.com");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_REDIRECTS = 5;
  private static final int MAX_TEXT = 64 * 1024;

  /**
   * Streams 2xx bodies (the download endpoint may serve a whole model) and reads others at once:
   * they are small, and a response the context retries is then never left holding its connection.
   */
  private static final HttpResponse.BodyHandler<InputStream> BODY = info -> info.statusCode() / 100 == 2
      ? BodySubscribers.ofInputStream()
      : BodySubscribers.mapping(BodySubscribers.ofByteArray(), ByteArrayInputStream::new);

  private final ResolverContext context;
  private final URI base;
  private final String pageHost;
  private final Secret token;
  private final Set<String> hosts;

  private CivitaiApi(ResolverContext context, URI base, String pageHost, Secret token, Set<String> hosts) {
    this.context = context;
    this.base = base;
    this.pageHost = pageHost;
    this.token = token;
    this.hosts = Set.copyOf(hosts);
  }

  /**
   * The API for one download.
   *
   * @param webHost the CivitAI web host the user's URL named, or {@code null}
   * @param urlToken a {@code token=} from the user's URL, or {@code null}; it wins over configured
   *     tokens because the user pasted it for this very download
   */
  static CivitaiApi connect(ResolverContext context, String webHost, Secret urlToken) throws DownloadException {
    String pageHost = webHost != null ? webHost : DEFAULT_HOST;
    Optional<String> endpoint = context.endpoint("civitai").or(() -> context.env("CIVITAI_ENDPOINT"));
    URI base = endpoint.isPresent() ? endpoint(endpoint.get()) : URI.create("https://" + pageHost);
    Secret token = urlToken != null ? urlToken : context.token("civitai")
        .or(() -> context.env("CIVITAI_TOKEN").map(Secret::ofNullable))
        .or(() -> context.env("CIVITAI_API_TOKEN").map(Secret::ofNullable))
        .orElse(null);
    Set<String> hosts = new HashSet<>(CIVITAI_HOSTS);
    hosts.add(base.getHost().toLowerCase(Locale.ROOT));
    return new CivitaiApi(context, base, pageHost, token, hosts);
  }

  /**
   * The API as it was when {@code file} was resolved, rebuilt from what the file carries: the
   * download endpoint (its refresh URL, on the configured endpoint or the host the user's URL
   * named) and the bearer header scoped to CivitAI's hosts. The token is the one the download
   * started with, a pasted {@code token=} included.
   */
  static CivitaiApi forRefresh(ResolverContext context, RemoteFile file) {
    URI endpoint = file.refreshUrl();
    String path = endpoint.getRawPath() == null ? "" : endpoint.getRawPath();
    int at = path.indexOf("/api/download/");
    URI base = URI.create(endpoint.getScheme() + "://" + endpoint.getRawAuthority() + (at > 0 ? path.substring(0, at) : ""));
    Optional<ScopedHeader> bearer = file.headers().stream()
        .filter(h -> h.name().equalsIgnoreCase("Authorization")).findFirst();
    Secret token = bearer.map(h -> Secret.of(h.value().reveal().replaceFirst("^(?i)bearer ", ""))).orElse(null);
    Set<String> hosts = new HashSet<>(CIVITAI_HOSTS);
    hosts.add(host(base));
    bearer.ifPresent(h -> hosts.addAll(h.hosts()));
    String pageHost = file.metadata().pageUrl().map(u -> host(URI.create(u))).filter(h -> !h.isEmpty())
        .orElse(DEFAULT_HOST);
    return new CivitaiApi(context, base, pageHost, token, hosts);
  }

  private static URI endpoint(String value) throws DownloadException {
    String trimmed = value.strip().replaceAll("/+$", "");
    try {
      URI uri = URI.create(trimmed);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && uri.getRawQuery() == null) {
        return uri;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new DownloadException(Kind.INVALID_REQUEST, "the CivitAI endpoint must be an http(s) base URL such as "
        + "https://civitai.com, was '" + Secret.redact(value) + "'; fix CIVITAI_ENDPOINT or the builder's endpoint");
  }

  boolean hasToken() {
    return token != null;
  }

  /** {@code Authorization: Bearer} for CivitAI's hosts and the endpoint's, when there is a token. */
  Optional<ScopedHeader> bearer() {
    return token == null ? Optional.empty() : Optional.of(ScopedHeader.bearer(token, hosts.toArray(String[]::new)));
  }

  /** The page of a model (and version) on the web host the user came from. */
  String page(long modelId, Long versionId) {
    return "https://" + pageHost + "/models/" + modelId + (versionId != null ? "?modelVersionId=" + versionId : "");
  }

  String versionPage(long versionId) {
    return "https://" + pageHost + "/model-versions/" + versionId;
  }

  JsonNode model(long modelId) throws DownloadException {
    return get("/models/" + modelId, new Subject("model " + modelId, page(modelId, null)))
        .orElseThrow(() -> ApiErrors.forStatus(404, null, new Subject("model " + modelId, page(modelId, null)),
            hasToken()));
  }

  VersionJson version(long versionId) throws DownloadException {
    Subject subject = new Subject("model version " + versionId, versionPage(versionId));
    return new VersionJson(get("/model-versions/" + versionId, subject)
        .orElseThrow(() -> ApiErrors.forStatus(404, null, subject, hasToken())));
  }

  /** The version holding a file with this hash (SHA-256, AutoV2...), or empty when CivitAI knows none. */
  Optional<VersionJson> versionByHash(String hash) throws DownloadException {
    return get("/model-versions/by-hash/" + hash, new Subject("file with SHA-256 " + hash, "https://" + pageHost))
        .map(VersionJson::new);
  }

  /** The download endpoint of one exact file; {@code fileId} skips the server's metadata checks that 404 on mismatch. */
  URI downloadUrl(long versionId, long fileId) {
    return URI.create(base + "/api/download/models/" + versionId + "?fileId=" + fileId);
  }

  /**
   * Asks the download endpoint for a file and returns where its bytes are: the presigned storage
   * URL CivitAI redirects to (valid for about a day, so it is asked again on every run), or the
   * endpoint itself if it serves the file directly.
   */
  URI resolveDownload(VersionJson version, FileEntry file) throws DownloadException {
    return resolveDownload(downloadUrl(version.id(), file.id()), new Subject("file " + file.id() + " ("
        + file.name() + ") of model version " + version.id(), page(version.modelId(), version.id())));
  }

  /** {@link #resolveDownload(VersionJson, FileEntry)} for a download endpoint URL from {@link #downloadUrl}. */
  URI resolveDownload(URI downloadUrl, Subject subject) throws DownloadException {
    URI uri = downloadUrl;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      boolean tokenSent = sendsTokenTo(uri);
      HttpResponse<InputStream> response = send(uri, null);
      int status = response.statusCode();
      try (InputStream body = response.body()) {
        if (status / 100 == 3) {
          URI next = location(response, uri, subject);
          if (isLogin(next)) {
            throw ApiErrors.loginRequired(subject, tokenSent, "redirected to the login page");
          }
          if (hosts.contains(host(next)) && isWebPage(next)) {
            throw new DownloadException(Kind.ACCESS_DENIED, "CivitAI sent the download of " + subject.what()
                + " to its web page " + Secret.redact(next.toString()) + " instead of the file, as it does for Early"
                + " Access versions; open " + subject.page() + " to see why");
          }
          if (hosts.contains(host(next)) && isDownloadEndpoint(next)) {
            uri = next;
            continue;
          }
          return next;
        }
        if (status == 200 || status == 206) {
          String type = contentType(response);
          if (type.equals("text/html") || type.equals("application/xhtml+xml")) {
            throw ApiErrors.loginRequired(subject, tokenSent, "a web page came instead of the file");
          }
          if (type.startsWith("text/") || type.endsWith("json")) {
            throw new DownloadException(Kind.UNEXPECTED_RESPONSE, "CivitAI answered the download of "
                + subject.what() + " with " + type + " instead of the file: " + excerpt(body));
          }
          return uri;
        }
        throw ApiErrors.forStatus(status, text(body), subject, tokenSent);
      } catch (IOException e) {
        throw new DownloadException(Kind.NETWORK, "lost the connection to CivitAI while asking for "
            + subject.what() + "; run the same download again", e);
      }
    }
    throw new DownloadException(Kind.UNEXPECTED_RESPONSE, "CivitAI redirected the download of " + subject.what()
        + " more than " + MAX_REDIRECTS + " times");
  }

  /** GETs {@code /api/v1<path>} as JSON; empty on 404. */
  private Optional<JsonNode> get(String path, Subject subject) throws DownloadException {
    URI uri = URI.create(base + "/api/v1" + path);
    boolean tokenSent = sendsTokenTo(uri);
    HttpResponse<InputStream> response = send(uri, "application/json");
    int status = response.statusCode();
    try (InputStream body = response.body()) {
      if (status == 200) {
        String type = contentType(response);
        if (type.equals("text/html")) {
          throw new DownloadException(Kind.UNEXPECTED_RESPONSE, Secret.redact(uri.toString()) + " answered with a web"
              + " page instead of JSON; if CIVITAI_ENDPOINT is set, check that it points at a CivitAI site");
        }
        try {
          return Optional.of(JSON.readTree(body));
        } catch (IOException e) {
          throw new DownloadException(Kind.UNEXPECTED_RESPONSE, "CivitAI's answer for " + subject.what()
              + " is not valid JSON (" + e.getClass().getSimpleName() + "); try again later", e);
        }
      }
      if (status == 404) {
        return Optional.empty();
      }
      if (status / 100 == 3 && isLogin(location(response, uri, subject))) {
        throw ApiErrors.loginRequired(subject, tokenSent, "redirected to the login page");
      }
      throw ApiErrors.forStatus(status, text(body), subject, tokenSent);
    } catch (IOException e) {
      throw new DownloadException(Kind.NETWORK, "lost the connection to CivitAI while reading " + subject.what()
          + "; run the same download again", e);
    }
  }

  private HttpResponse<InputStream> send(URI uri, String accept) throws DownloadException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
    if (accept != null) {
      request.header("Accept", accept);
    }
    if (sendsTokenTo(uri)) {
      request.header("Authorization", "Bearer " + token.reveal());
    }
    return context.send(request.build(), BODY);
  }

  /** Only to CivitAI's hosts and the endpoint's, and never in clear text when the endpoint is https. */
  private boolean sendsTokenTo(URI uri) {
    boolean downgrade = "https".equalsIgnoreCase(base.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme());
    return token != null && !downgrade && hosts.contains(host(uri));
  }

  private URI location(HttpResponse<?> response, URI from, Subject subject) throws DownloadException {
    String location = response.headers().firstValue("Location").orElse(null);
    try {
      URI next = location == null ? null : from.resolve(location.strip());
      String scheme = next == null || next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("https") || scheme.equals("http")) && next.getHost() != null) {
        return next;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new DownloadException(Kind.UNEXPECTED_RESPONSE, "CivitAI redirected the request for " + subject.what()
        + " (HTTP " + response.statusCode() + ") to no usable URL: '" + Secret.redact(location) + "'");
  }

  /** {@code /login?returnUrl=...&reason=download-auth}, the answer to browser-like or older clients without a login. */
  private boolean isLogin(URI uri) {
    String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
    String path = pathOnSite(uri);
    return query.contains("reason=download-auth")
        || hosts.contains(host(uri)) && (path.equals("/login") || path.startsWith("/login/"));
  }

  private boolean isWebPage(URI uri) {
    String path = pathOnSite(uri);
    return path.startsWith("/models/") || path.startsWith("/model-versions/");
  }

  private boolean isDownloadEndpoint(URI uri) {
    String path = pathOnSite(uri);
    return path.startsWith("/api/download/") || path.startsWith("/download/");
  }

  /** The path below the endpoint's own path prefix (a mirror may live under one). */
  private String pathOnSite(URI uri) {
    String path = uri.getPath() == null ? "" : uri.getPath();
    String prefix = base.getPath() == null ? "" : base.getPath();
    boolean sameSite = host(uri).equals(host(base)) && !prefix.isEmpty() && path.startsWith(prefix + "/");
    return sameSite ? path.substring(prefix.length()) : path;
  }

  private static String host(URI uri) {
    return uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
  }

  private static String contentType(HttpResponse<?> response) {
    return response.headers().firstValue("Content-Type")
        .map(v -> v.split(";", 2)[0].strip().toLowerCase(Locale.ROOT)).orElse("");
  }

  private static String text(InputStream body) throws IOException {
    return new String(body.readNBytes(MAX_TEXT), StandardCharsets.UTF_8);
  }

  private static String excerpt(InputStream body) throws IOException {
    String text = new String(body.readNBytes(300), StandardCharsets.UTF_8).strip();
    return Secret.redact(text.replaceAll("\\s+", " "));
  }
}
