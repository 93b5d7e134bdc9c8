package io.modelfetch.huggingface;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.Secret;
import io.modelfetch.spi.ResolverContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Hub's HTTP interface for one repository: the commit a revision points at, the recursive
 * file listing, and the per-file metadata request. The token goes only to the endpoint's host.
 */
final class HubClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;[^,]*\\brel=\"?next\"?");
  private static final int MAX_HUB_REDIRECTS = 10;
  /** A listing page is a few hundred KB; anything far larger is not the Hub. */
  private static final int MAX_JSON_BYTES = 32 << 20;

  private final ResolverContext context;
  private final String base;
  private final URI baseUri;
  private final HubLocation repo;
  private final Optional<HubToken> token;
  private final HubErrors errors;

  HubClient(ResolverContext context, String base, HubLocation repo, Optional<HubToken> token) {
    this.context = context;
    this.base = base;
    this.baseUri = URI.create(base);
    this.repo = repo;
    this.token = token;
    this.errors = new HubErrors(repo, base, token);
  }

  /** The Hub's host name, the only one that may see the token. */
  String host() {
    return baseUri.getHost();
  }

  /** {@code {base}/{repo}/resolve/{rev}/{path}}, encoded as huggingface_hub's {@code hf_hub_url}. */
  URI resolveUrl(String revision, String path) {
    return URI.create(base + "/" + repo.type().urlPrefix() + repo.repoId() + "/resolve/"
        + PercentEncoding.segment(revision) + "/" + PercentEncoding.path(path));
  }

  /** The commit a branch or tag points at ({@code GET /api/{type}s/{repo}/revision/{rev}}). */
  String commit(String revision) throws DownloadException {
    URI uri = URI.create(apiBase() + "/revision/" + PercentEncoding.segment(revision));
    HttpResponse<InputStream> response = send(get(uri));
    if (response.statusCode() != 200) {
      throw failure(response, revision, null);
    }
    String sha = readJson(response).path("sha").asText("");
    if (!HubIds.isCommitHash(sha)) {
      throw new DownloadException(Kind.UNEXPECTED_RESPONSE, "the Hub did not name the commit of revision '"
          + revision + "' of " + repo.displayName() + "; check HF_ENDPOINT (" + base + ")");
    }
    return sha;
  }

  /**
   * Every file under {@code folder} (the whole repository when null) at a commit, following the
   * listing's {@code Link: <...>; rel="next"} pages.
   */
  List<TreeEntry> listFiles(String commit, String folder) throws DownloadException {
    URI uri = URI.create(apiBase() + "/tree/" + commit + (folder == null ? "" : "/" + PercentEncoding.path(folder))
        + "?recursive=true&expand=false");
    List<TreeEntry> files = new ArrayList<>();
    Set<URI> seen = new HashSet<>();
    while (uri != null && seen.add(uri)) {
      HttpResponse<InputStream> response = send(get(uri));
      if (response.statusCode() != 200) {
        throw failure(response, commit, folder);
      }
      URI page = uri;
      uri = response.headers().allValues("Link").stream().map(NEXT_LINK::matcher).filter(Matcher::find)
          .findFirst().map(m -> page.resolve(m.group(1).strip())).orElse(null);
      JsonNode entries = readJson(response);
      if (!entries.isArray()) {
        throw new DownloadException(Kind.UNEXPECTED_RESPONSE, "the Hub's file listing of " + repo.displayName()
            + " is not a list; check HF_ENDPOINT (" + base + ")");
      }
      for (JsonNode entry : entries) {
        if (entry.path("type").asText().equals("file")) {
          files.add(treeEntry(entry));
        }
      }
    }
    return files;
  }

  /**
   * One metadata request for a file: a HEAD that follows the Hub's own redirects (a renamed
   * repository) but not the one to the CDN, whose signed {@code Location} is where the bytes are.
   */
  FileMetadata fileMetadata(String revision, String path) throws DownloadException {
    return fileMetadata(revision, path, (commit, missingPath) -> { });
  }

  /**
   * {@link #fileMetadata(String, String)}, telling {@code missing} the commit at which the Hub said
   * the file does not exist ({@code EntryNotFound} with {@code X-Repo-Commit}), before failing.
   */
  FileMetadata fileMetadata(String revision, String path, BiConsumer<String, String> missing)
      throws DownloadException {
    URI uri = resolveUrl(revision, path);
    for (int hops = 0; ; hops++) {
      HttpRequest head = authorized(HttpRequest.newBuilder(uri)
          .method("HEAD", HttpRequest.BodyPublishers.noBody())
          .header("Accept-Encoding", "identity"), uri).build();
      HttpResponse<Void> response = context.send(head, HttpResponse.BodyHandlers.discarding());
      int status = response.statusCode();
      boolean redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
      if (status / 100 != 2 && !redirect) {
        String commit = response.headers().firstValue("X-Repo-Commit").map(String::strip).orElse("");
        if (status == 404 && response.headers().firstValue("X-Error-Code").orElse("").equals("EntryNotFound")
            && HubIds.isCommitHash(commit)) {
          missing.accept(commit, path);
        }
        throw errors.forResponse(status, response.headers(), revision, path);
      }
      URI location = redirect ? location(response, uri) : null;
      if (location == null || !sameOrigin(location, uri)) {
        return metadata(response, redirect, location == null ? uri : location, path);
      }
      if (hops == MAX_HUB_REDIRECTS) {
        throw new DownloadException(Kind.UNEXPECTED_RESPONSE, "the Hub redirected " + path + " of "
            + repo.displayName() + " more than " + MAX_HUB_REDIRECTS + " times");
      }
      uri = location;
    }
  }

  private FileMetadata metadata(HttpResponse<?> response, boolean redirect, URI download, String path)
      throws DownloadException {
    String commit = response.headers().firstValue("X-Repo-Commit").map(String::strip).orElse("");
    if (!HubIds.isCommitHash(commit)) {
      throw new DownloadException(Kind.UNEXPECTED_RESPONSE, base + " answered for " + path + " of "
          + repo.displayName() + " without an X-Repo-Commit header, so it does not look like the Hugging Face Hub; "
          + "check HF_ENDPOINT");
    }
    String etag = HubIds.normalizeEtag(response.headers().firstValue("X-Linked-Etag")
        .orElse(response.headers().firstValue("ETag").orElse(null)));
    long size = response.headers().firstValueAsLong("X-Linked-Size").orElse(-1);
    boolean encoded = response.headers().firstValue("Content-Encoding")
        .map(v -> !v.isBlank() && !v.strip().equalsIgnoreCase("identity")).orElse(false);
    if (size < 0 && !redirect && !encoded) {
      // a redirect's Content-Length is the length of its own body, never the file's (huggingface_hub#4699)
      size = response.headers().firstValueAsLong("Content-Length").orElse(-1);
    }
    return new FileMetadata(commit, etag, size, download);
  }

  private URI location(HttpResponse<?> response, URI from) throws DownloadException {
    String location = response.headers().firstValue("Location").orElse("").strip();
    if (location.isEmpty()) {
      throw new DownloadException(Kind.UNEXPECTED_RESPONSE, "the Hub redirected " + Secret.redact(from.toString())
          + " without a Location");
    }
    try {
      return from.resolve(new URI(location));
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new DownloadException(Kind.UNEXPECTED_RESPONSE, "the Hub redirected to an invalid URL: "
          + Secret.redact(location));
    }
  }

  private String apiBase() {
    return base + "/api/" + repo.type().plural() + "/" + repo.repoId();
  }

  private HttpRequest get(URI uri) {
    return authorized(HttpRequest.newBuilder(uri).GET().header("Accept", "application/json"), uri).build();
  }

  /** Adds the token when {@code uri} is the Hub itself, never over http when the Hub is https. */
  private HttpRequest.Builder authorized(HttpRequest.Builder builder, URI uri) {
    boolean downgraded = "https".equalsIgnoreCase(baseUri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme());
    if (token.isPresent() && sameHost(uri, baseUri) && !downgraded) {
      builder.header("Authorization", "Bearer " + token.get().secret().reveal());
    }
    return builder;
  }

  private HttpResponse<InputStream> send(HttpRequest request) throws DownloadException {
    return context.send(request, HttpResponse.BodyHandlers.ofInputStream());
  }

  private DownloadException failure(HttpResponse<InputStream> response, String revision, String path) {
    try (InputStream body = response.body()) {
      body.readNBytes(64 * 1024);
    } catch (IOException ignored) {
      // only draining the error body so the connection can be reused
    }
    return errors.forResponse(response.statusCode(), response.headers(), revision, path);
  }

  private JsonNode readJson(HttpResponse<InputStream> response) throws DownloadException {
    try (InputStream body = response.body()) {
      byte[] bytes = body.readNBytes(MAX_JSON_BYTES + 1);
      if (bytes.length > MAX_JSON_BYTES) {
        throw new DownloadException(Kind.UNEXPECTED_RESPONSE, "the Hub's answer for " + repo.displayName()
            + " is larger than " + (MAX_JSON_BYTES >> 20) + " MB; check HF_ENDPOINT (" + base + ")");
      }
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new DownloadException(Kind.UNEXPECTED_RESPONSE, "the Hub's answer for " + repo.displayName()
          + " is not the JSON it should be (" + e.getMessage() + "); check HF_ENDPOINT (" + base + ")", e);
    }
  }

  private static TreeEntry treeEntry(JsonNode entry) {
    JsonNode lfs = entry.path("lfs");
    String sha256 = lfs.isObject() ? HubIds.normalizeEtag(lfs.path("oid").asText("").replaceFirst("^sha256:", ""))
        : null;
    long size = lfs.isObject() && lfs.has("size") ? lfs.path("size").asLong(-1) : entry.path("size").asLong(-1);
    return new TreeEntry(entry.path("path").asText(), size,
        HubIds.normalizeEtag(entry.path("oid").asText("")), sha256);
  }

  private static boolean sameOrigin(URI a, URI b) {
    return sameHost(a, b) && a.getScheme().equalsIgnoreCase(b.getScheme()) && port(a) == port(b);
  }

  private static boolean sameHost(URI a, URI b) {
    return a.getHost() != null && a.getHost().toLowerCase(Locale.ROOT).equals(b.getHost().toLowerCase(Locale.ROOT));
  }

  private static int port(URI uri) {
    return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }
}
