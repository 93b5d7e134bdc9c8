package io.modelfetch.spi;

import io.modelfetch.Metadata;
import io.modelfetch.Secret;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One file a {@link SourceResolver} resolved: where its bytes are, what they must be, and what
 * the engine may tell which host.
 *
 * <pre>{@code
 * RemoteFile.builder(URI.create("https://civitai.com/api/download/models/130072?fileId=96010"))
 *     .identity("civitai:file:96010")
 *     .fileName("model.safetensors")
 *     .size(2_132_625_894L)
 *     .sha256("67ab2fd8ec439a89b3fedb15cc65f54336af163c7eb5e4f2acc98f090a29b0b3")
 *     .header(ScopedHeader.bearer(token, "civitai.com"))
 *     .metadata(metadata)
 *     .build();
 * }</pre>
 *
 * <p>The engine starts at {@link #url()} and follows redirects itself, sending each
 * {@link ScopedHeader} only to its hosts; all ranged requests then go to the final URL. When a
 * signed URL expires mid-download (403), the engine starts again from {@link #refreshUrl()}.
 * {@link #identity()} names the file across runs: a partial file is resumed only when the new
 * run resolves to the same identity, so for presigned URLs it must not contain the signature.
 */
public final class RemoteFile {
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern HEX40 = Pattern.compile("[0-9a-f]{40}");

  private final URI url;
  private final URI refreshUrl;
  private final String identity;
  private final String fileName;
  private final String relativePath;
  private final long size;
  private final String sha256;
  private final String gitBlobSha1;
  private final List<ScopedHeader> headers;
  private final Metadata metadata;
  private final List<Sidecar> sidecars;
  private final Path target;

  private RemoteFile(Builder b) {
    this.url = b.url;
    this.refreshUrl = b.refreshUrl == null ? b.url : b.refreshUrl;
    this.identity = b.identity == null ? withoutQuery(b.url) : b.identity;
    this.fileName = b.fileName;
    this.relativePath = b.relativePath;
    this.size = b.size;
    this.sha256 = b.sha256;
    this.gitBlobSha1 = b.gitBlobSha1;
    this.headers = List.copyOf(b.headers);
    this.metadata = b.metadata;
    this.sidecars = List.copyOf(b.sidecars);
    this.target = b.target;
  }

  /** A builder for a file whose bytes are at {@code url} (or at the end of its redirects). */
  public static Builder builder(URI url) {
    return new Builder(url);
  }

  /** A builder holding this file's values, to derive a variant. */
  public Builder toBuilder() {
    Builder b = new Builder(url);
    b.refreshUrl = refreshUrl;
    b.identity = identity;
    b.fileName = fileName;
    b.relativePath = relativePath;
    b.size = size;
    b.sha256 = sha256;
    b.gitBlobSha1 = gitBlobSha1;
    b.headers.addAll(headers);
    b.metadata = metadata;
    b.sidecars.addAll(sidecars);
    b.target = target;
    return b;
  }

  /** Where the engine starts (it follows redirects from here). */
  public URI url() {
    return url;
  }

  /** Where the engine starts again when a signed URL it was redirected to has expired. */
  public URI refreshUrl() {
    return refreshUrl;
  }

  /** A stable name for the file's content across runs; resume state is keyed on it. */
  public String identity() {
    return identity;
  }

  /** The suggested file name; when absent the engine asks the server (Content-Disposition, URL path). */
  public Optional<String> fileName() {
    return Optional.ofNullable(fileName);
  }

  /** A path relative to the target folder, with {@code /} separators (files of a repository). */
  public Optional<String> relativePath() {
    return Optional.ofNullable(relativePath);
  }

  /** The size in bytes, or {@code -1} when unknown. */
  public long size() {
    return size;
  }

  /** The SHA-256 the file must have, lower-case hex; checked before the file reaches its final name. */
  public Optional<String> sha256() {
    return Optional.ofNullable(sha256);
  }

  /** Git's blob id ({@code sha1("blob " + size + "\0" + content)}), for files stored in git rather than LFS. */
  public Optional<String> gitBlobSha1() {
    return Optional.ofNullable(gitBlobSha1);
  }

  /** Headers (credentials) the engine sends while following {@link #url()}, each only to its own hosts. */
  public List<ScopedHeader> headers() {
    return headers;
  }

  /** What the source says about the model (names, type, base model); reported in the result. */
  public Metadata metadata() {
    return metadata;
  }

  /** Files to write beside the model once it is verified and in place. */
  public List<Sidecar> sidecars() {
    return sidecars;
  }

  /**
   * An absolute path chosen by the resolver (a cache layout), overriding the request's folder and
   * the file name. Resolvers must keep it inside a folder the user configured.
   */
  public Optional<Path> target() {
    return Optional.ofNullable(target);
  }

  @Override
  public String toString() {
    return "RemoteFile{" + Secret.redact(url.toString()) + ", identity=" + Secret.redact(identity)
        + (fileName != null ? ", name=" + fileName : "") + (relativePath != null ? ", path=" + relativePath : "")
        + ", size=" + size + (sha256 != null ? ", sha256=" + sha256 : "") + "}";
  }

  private static String withoutQuery(URI uri) {
    String s = uri.toString();
    int q = s.indexOf('?');
    int f = s.indexOf('#');
    int end = q >= 0 ? q : f >= 0 ? f : s.length();
    return s.substring(0, end);
  }

  /** Builds a {@link RemoteFile}; validates each value as it is set. */
  public static final class Builder {
    private final URI url;
    private URI refreshUrl;
    private String identity;
    private String fileName;
    private String relativePath;
    private long size = -1;
    private String sha256;
    private String gitBlobSha1;
    private final List<ScopedHeader> headers = new ArrayList<>();
    private Metadata metadata = Metadata.NONE;
    private final List<Sidecar> sidecars = new ArrayList<>();
    private Path target;

    private Builder(URI url) {
      this.url = checkHttp(url, "url");
    }

    public Builder refreshUrl(URI refreshUrl) {
      this.refreshUrl = checkHttp(refreshUrl, "refreshUrl");
      return this;
    }

    public Builder identity(String identity) {
      this.identity = Objects.requireNonNull(identity, "identity");
      return this;
    }

    public Builder fileName(String fileName) {
      this.fileName = fileName;
      return this;
    }

    public Builder relativePath(String relativePath) {
      this.relativePath = relativePath;
      return this;
    }

    public Builder size(long size) {
      if (size < -1) {
        throw new IllegalArgumentException("size must be >= 0 or -1 for unknown, was " + size);
      }
      this.size = size;
      return this;
    }

    /** The expected SHA-256 as 64 hex digits, either case; null for unknown. */
    public Builder sha256(String sha256) {
      this.sha256 = checkHex(sha256, HEX64, "sha256");
      return this;
    }

    /** The expected git blob id as 40 hex digits, either case; null for unknown. */
    public Builder gitBlobSha1(String gitBlobSha1) {
      this.gitBlobSha1 = checkHex(gitBlobSha1, HEX40, "gitBlobSha1");
      return this;
    }

    public Builder header(ScopedHeader header) {
      headers.add(Objects.requireNonNull(header, "header"));
      return this;
    }

    /** Shortcut for a header scoped to exactly one host. */
    public Builder header(String name, Secret value, String host) {
      return header(new ScopedHeader(name, value, Set.of(host)));
    }

    public Builder metadata(Metadata metadata) {
      this.metadata = Objects.requireNonNull(metadata, "metadata");
      return this;
    }

    public Builder sidecar(Sidecar sidecar) {
      sidecars.add(Objects.requireNonNull(sidecar, "sidecar"));
      return this;
    }

    public Builder target(Path target) {
      if (target != null && !target.isAbsolute()) {
        throw new IllegalArgumentException("target must be absolute, was " + target);
      }
      this.target = target;
      return this;
    }

    public RemoteFile build() {
      return new RemoteFile(this);
    }

    private static URI checkHttp(URI uri, String name) {
      Objects.requireNonNull(uri, name);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
        throw new IllegalArgumentException(name + " must be an http(s) URL with a host, was " + Secret.redact(uri.toString()));
      }
      return uri;
    }

    private static String checkHex(String value, Pattern pattern, String name) {
      if (value == null) {
        return null;
      }
      String lower = value.toLowerCase(Locale.ROOT);
      if (!pattern.matcher(lower).matches()) {
        throw new IllegalArgumentException(name + " must be hex of the right length, was '" + value + "'");
      }
      return lower;
    }
  }
}
