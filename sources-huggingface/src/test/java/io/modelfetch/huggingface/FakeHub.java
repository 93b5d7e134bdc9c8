package io.modelfetch.huggingface;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.request;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.modelfetch.testing.FakeOrigin;
import io.modelfetch.testing.RecordedRequest;
import io.modelfetch.testing.TestData;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A stand-in for the Hugging Face Hub, shaped like huggingface.co's answers: WireMock on
 * 127.0.0.1 plays the Hub (revision and tree APIs, {@code /resolve/} answering LFS files with a
 * 302 carrying {@code X-Linked-Etag}/{@code X-Linked-Size}/{@code X-Repo-Commit} and small git
 * files with a 200 and their git blob id as ETag), and a {@link FakeOrigin} reached as
 * {@code localhost} plays the CDN the signed {@code Location}s point at: a different host, so
 * credentials must not reach it. A {@link Repo#privateTo private} or {@link Repo#gatedFor gated}
 * repository refuses requests without its token as the Hub does.
 */
final class FakeHub implements AutoCloseable {
  static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
  private static final ObjectMapper JSON = new ObjectMapper();

  final WireMockServer hub;
  final FakeOrigin cdn;

  private FakeHub(WireMockServer hub, FakeOrigin cdn) {
    this.hub = hub;
    this.cdn = cdn;
  }

  static FakeHub start() throws IOException {
    WireMockServer hub = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
    hub.start();
    return new FakeHub(hub, FakeOrigin.start());
  }

  /** The endpoint to configure ({@code HF_ENDPOINT}). */
  String base() {
    return "http://127.0.0.1:" + hub.port();
  }

  /** A repository; {@code prefix} is {@code ""}, {@code "datasets/"} or {@code "spaces/"}. */
  Repo repo(String prefix, String repoId) {
    return new Repo(prefix, repoId);
  }

  /** Every request the Hub received. */
  List<LoggedRequest> hubRequests() {
    return hub.findAll(RequestPatternBuilder.allRequests());
  }

  /** Every request the CDN received. */
  List<RecordedRequest> cdnRequests() {
    return cdn.requests();
  }

  /** Answers {@code method path} with a Hub error. */
  void error(String method, String path, int status, String code, String message, String... headerPairs) {
    ResponseDefinitionBuilder r = aResponse().withStatus(status).withHeader("Content-Type", "application/json")
        .withBody("{\"error\":\"" + message + "\"}");
    if (code != null) {
      r.withHeader("X-Error-Code", code);
    }
    if (message != null) {
      r.withHeader("X-Error-Message", message);
    }
    for (int i = 0; i < headerPairs.length; i += 2) {
      r.withHeader(headerPairs[i], headerPairs[i + 1]);
    }
    hub.stubFor(request(method, urlPathEqualTo(path)).willReturn(r));
  }

  @Override
  public void close() {
    hub.stop();
    cdn.close();
  }

  static String sha256(byte[] data) {
    return TestData.sha256(data);
  }

  static String gitBlobSha1(byte[] data) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      sha1.update(("blob " + data.length + "\0").getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha1.digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** Percent-encodes like Python's quote(s, safe=""), written independently of the code under test. */
  static String quoteSegment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static String quotePath(String path) {
    List<String> parts = new ArrayList<>();
    for (String p : path.split("/")) {
      parts.add(quoteSegment(p));
    }
    return String.join("/", parts);
  }

  /** One repository: add files, then {@link #publish} its revision and listing. */
  final class Repo {
    private final String prefix;
    private final String repoId;
    private final List<ObjectNode> tree = new ArrayList<>();
    private final TreeSet<String> folders = new TreeSet<>();
    /** The token that may read this repository; null for a public one. */
    private String readableWith;

    private Repo(String prefix, String repoId) {
      this.prefix = prefix;
      this.repoId = repoId;
    }

    /**
     * Makes the repository private, readable only with {@code token}, as huggingface.co answers
     * (research A2): without a token, 401 {@code RepoNotFound} (private and missing look alike);
     * with another token, 401 "Invalid credentials in Authorization header". Every route of the
     * repository (API and {@code /resolve/}) is guarded. Call it before adding files.
     */
    Repo privateTo(String token) {
      return restrict(token, aResponse().withStatus(401).withHeader("X-Error-Code", "RepoNotFound")
          .withHeader("X-Error-Message", "Repository not found"), aResponse().withStatus(401)
          .withHeader("X-Error-Message", "Invalid credentials in Authorization header"));
    }

    /**
     * Makes the repository gated, with {@code token} the only one whose account accepted its
     * conditions: without a token, 401 {@code GatedRepo}; with another (valid) token, 403
     * {@code GatedRepo}. Call it before adding files.
     */
    Repo gatedFor(String token) {
      String name = (prefix.isEmpty() ? "model " : prefix.substring(0, prefix.length() - 2) + " ") + repoId;
      return restrict(token, aResponse().withStatus(401).withHeader("X-Error-Code", "GatedRepo")
          .withHeader("X-Error-Message", "Access to " + name + " is restricted. You must have access to it and be "
              + "authenticated to access it. Please log in."), aResponse().withStatus(403)
          .withHeader("X-Error-Code", "GatedRepo").withHeader("X-Error-Message", "Access to " + name
              + " is restricted and you are not in the authorized list. Visit " + base() + "/" + prefix + repoId
              + " to ask for access."));
    }

    private Repo restrict(String token, ResponseDefinitionBuilder anonymous, ResponseDefinitionBuilder otherToken) {
      readableWith = token;
      anonymous.withHeader("Content-Type", "application/json").withBody("{\"error\":\"denied\"}");
      otherToken.withHeader("Content-Type", "application/json").withBody("{\"error\":\"denied\"}");
      String repo = Pattern.quote(prefix + repoId);
      String api = Pattern.quote("api/" + (prefix.isEmpty() ? "models/" : prefix) + repoId);
      for (String route : List.of("/" + repo + "/.*", "/" + api + "(/.*)?")) {
        for (String method : List.of("HEAD", "GET")) {
          hub.stubFor(request(method, urlPathMatching(route)).withHeader("Authorization", absent()).atPriority(9)
              .willReturn(anonymous));
          hub.stubFor(request(method, urlPathMatching(route)).withHeader("Authorization", matching(".*"))
              .atPriority(9).willReturn(otherToken));
        }
      }
      return this;
    }

    /** The stub for one of this repository's routes: only for its token when it is not public. */
    private MappingBuilder guarded(MappingBuilder route) {
      return readableWith == null ? route
          : route.withHeader("Authorization", equalTo("Bearer " + readableWith)).atPriority(1);
    }

    /** The path under which files of this repo are resolved. */
    String resolvePath(String revisionInUrl, String path) {
      return "/" + prefix + repoId + "/resolve/" + revisionInUrl + "/" + quotePath(path);
    }

    /** An LFS file, served by the CDN at a signed URL; the 302 also carries a misleading Content-Length. */
    Repo lfs(String path, byte[] content, String... revisionsInUrl) {
      String sha = sha256(content);
      cdn.file("/repos/" + sha, content).etag("\"" + sha + "\"").contentType("binary/octet-stream");
      String signed = cdn.urlOnOtherHost("/repos/" + sha + "?X-Amz-Signature=s1gn4tur3&Expires=1700000000");
      for (String rev : revisions(revisionsInUrl)) {
        for (String method : List.of("HEAD", "GET")) {
          hub.stubFor(guarded(request(method, urlPathEqualTo(resolvePath(rev, path)))).willReturn(aResponse().withStatus(302)
              .withHeader("Location", signed)
              .withHeader("X-Linked-Etag", "\"" + sha + "\"")
              .withHeader("X-Linked-Size", String.valueOf(content.length))
              .withHeader("X-Repo-Commit", COMMIT)
              .withHeader("ETag", "W/\"1c-redirect\"")
              .withHeader("Content-Type", "text/plain; charset=utf-8")
              .withBody("Found. Redirecting to " + signed)));
        }
      }
      addToTree(path, content, sha);
      return this;
    }

    /** A small file stored in git, served by the Hub itself with its git blob id as ETag. */
    Repo git(String path, byte[] content, String... revisionsInUrl) {
      for (String rev : revisions(revisionsInUrl)) {
        for (String method : List.of("HEAD", "GET")) {
          hub.stubFor(guarded(request(method, urlPathEqualTo(resolvePath(rev, path)))).willReturn(aResponse().withStatus(200)
              .withHeader("ETag", "\"" + gitBlobSha1(content) + "\"")
              .withHeader("Content-Length", String.valueOf(content.length))
              .withHeader("X-Repo-Commit", COMMIT)
              .withHeader("Content-Type", "text/plain; charset=utf-8")
              .withBody(content)));
        }
      }
      addToTree(path, content, null);
      return this;
    }

    /** Stubs {@code /api/.../revision/{rev}} and the recursive tree at {@link #COMMIT}, {@code pageSize} entries a page. */
    Repo publish(String revisionInUrl, int pageSize) {
      String api = "/api/" + (prefix.isEmpty() ? "models/" : prefix) + repoId;
      ObjectNode info = JSON.createObjectNode().put("id", repoId).put("sha", COMMIT);
      hub.stubFor(guarded(get(urlPathEqualTo(api + "/revision/" + revisionInUrl))).willReturn(json(info.toString())));
      List<ObjectNode> entries = new ArrayList<>();
      for (String folder : folders) {
        entries.add(JSON.createObjectNode().put("type", "directory").put("oid", "f".repeat(40)).put("size", 0)
            .put("path", folder));
      }
      entries.addAll(tree);
      int pages = Math.max(1, (entries.size() + pageSize - 1) / pageSize);
      for (int page = 0; page < pages; page++) {
        ArrayNode body = JSON.createArrayNode();
        entries.subList(page * pageSize, Math.min(entries.size(), (page + 1) * pageSize)).forEach(body::add);
        MappingBuilder m = get(urlPathEqualTo(api + "/tree/" + COMMIT)).withQueryParam("recursive", equalTo("true"))
            .withQueryParam("cursor", page == 0 ? absent() : equalTo("c" + page));
        ResponseDefinitionBuilder r = json(body.toString());
        if (page + 1 < pages) {
          r.withHeader("Link", "<" + base() + api + "/tree/" + COMMIT + "?recursive=true&expand=false&cursor=c"
              + (page + 1) + ">; rel=\"next\"");
        }
        hub.stubFor(guarded(m).willReturn(r));
      }
      return this;
    }

    private List<String> revisions(String[] revisionsInUrl) {
      List<String> all = new ArrayList<>(List.of(revisionsInUrl));
      all.add(COMMIT);
      all.add("main");
      return all;
    }

    private void addToTree(String path, byte[] content, String lfsSha) {
      ObjectNode entry = JSON.createObjectNode().put("type", "file").put("oid", gitBlobSha1(content))
          .put("size", content.length).put("path", path);
      if (lfsSha != null) {
        entry.putObject("lfs").put("oid", lfsSha).put("size", content.length).put("pointerSize", 134);
        entry.put("xetHash", "e".repeat(64));
      }
      tree.add(entry);
      for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
        folders.add(path.substring(0, slash));
      }
    }
  }

  private static ResponseDefinitionBuilder json(String body) {
    return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
  }

  static Map<String, String> env(String... pairs) {
    java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return m;
  }
}
