package io.modelfetch;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One thing to download: a URL (or a source URN such as {@code urn:air:sdxl:lora:civitai:1@2}), where
 * to put it, and what it must be. Immutable; every {@code with}-style method returns a copy.
 *
 * <pre>{@code
 * DownloadRequest request = DownloadRequest.of("https://civitai.com/models/4201?modelVersionId=130072")
 *     .into(Path.of("models/Stable-diffusion"))
 *     .sha256("a1b2...")          // optional: verified after download
 *     .connections(8);            // optional: overrides the Downloads default
 * }</pre>
 *
 * <p>Without {@link #into} or {@link #toFile}, files go to the current working directory. With
 * {@link #into}, the file name comes from the source (the request never lets a server choose a
 * path outside that folder). {@link #option} passes source-specific choices under keys each source
 * documents (for example {@code civitai.format=SafeTensor}, {@code huggingface.include=*.json}).
 */
public final class DownloadRequest {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

  private final String source;
  private final Path directory;
  private final Path file;
  private final String sha256;
  private final long size;
  private final Integer connections;
  private final String backend;
  private final boolean overwrite;
  private final boolean discardPartialOnCancel;
  private final Boolean sidecars;
  private final DownloadListener listener;
  private final Map<String, String> options;
  private final Extras extras;

  private DownloadRequest(String source, Path directory, Path file, String sha256, long size, Integer connections,
      String backend, boolean overwrite, boolean discardPartialOnCancel, Boolean sidecars,
      DownloadListener listener, Map<String, String> options, Extras extras) {
    this.source = source;
    this.directory = directory;
    this.file = file;
    this.sha256 = sha256;
    this.size = size;
    this.connections = connections;
    this.backend = backend;
    this.overwrite = overwrite;
    this.discardPartialOnCancel = discardPartialOnCancel;
    this.sidecars = sidecars;
    this.listener = listener;
    this.options = Map.copyOf(options);
    this.extras = extras;
  }

  /** The queue and credential settings, kept together so the copy-on-write methods stay short. */
  private record Extras(int priority, Instant notBefore, Map<String, Secret> tokens, long bytesPerSecond) {
    static final Extras NONE = new Extras(0, null, Map.of(), 0);
  }

  /**
   * A request for a URL or source URN, into the current directory.
   *
   * @throws IllegalArgumentException if the source is blank
   */
  public static DownloadRequest of(String source) {
    Objects.requireNonNull(source, "source");
    if (source.isBlank()) {
      throw new IllegalArgumentException("source must not be blank: pass a URL such as https://example.com/model.safetensors");
    }
    return new DownloadRequest(source.strip(), null, null, null, -1, null, null, false, false, null, null, Map.of(), Extras.NONE);
  }

  /** Puts the file(s) into this folder, named by the source. Creates the folder if needed. */
  public DownloadRequest into(Path directory) {
    Objects.requireNonNull(directory, "directory");
    return new DownloadRequest(source, directory, null, sha256, size, connections, backend, overwrite,
        discardPartialOnCancel, sidecars, listener, options, extras);
  }

  /** Writes exactly this file (single-file sources only). */
  public DownloadRequest toFile(Path file) {
    Objects.requireNonNull(file, "file");
    if (file.getFileName() == null) {
      throw new IllegalArgumentException("file must name a file, was " + file);
    }
    return new DownloadRequest(source, null, file, sha256, size, connections, backend, overwrite,
        discardPartialOnCancel, sidecars, listener, options, extras);
  }

  /** The SHA-256 (64 hex digits) the file must have; the download fails with {@code CHECKSUM_MISMATCH} otherwise. */
  public DownloadRequest sha256(String sha256) {
    if (sha256 != null && !SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException("sha256 must be 64 hex digits, was '" + sha256 + "'");
    }
    return new DownloadRequest(source, directory, file, sha256 == null ? null : sha256.toLowerCase(Locale.ROOT), size,
        connections, backend, overwrite, discardPartialOnCancel, sidecars, listener, options, extras);
  }

  /** The size in bytes the file must have. */
  public DownloadRequest size(long size) {
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0, was " + size);
    }
    return new DownloadRequest(source, directory, file, sha256, size, connections, backend, overwrite,
        discardPartialOnCancel, sidecars, listener, options, extras);
  }

  /** Connections per file for this request (1..64), instead of the {@link Downloads} default. */
  public DownloadRequest connections(int connections) {
    Downloads.Builder.checkConnections(connections);
    return new DownloadRequest(source, directory, file, sha256, size, connections, backend, overwrite,
        discardPartialOnCancel, sidecars, listener, options, extras);
  }

  /** The backend for this request: {@code auto}, {@code jdk}, {@code aria2}, or a plugin's name. */
  public DownloadRequest backend(String backend) {
    Objects.requireNonNull(backend, "backend");
    return new DownloadRequest(source, directory, file, sha256, size, connections, backend.toLowerCase(Locale.ROOT),
        overwrite, discardPartialOnCancel, sidecars, listener, options, extras);
  }

  /**
   * Whether a different file already at the target may be replaced. Off by default: the download
   * then fails with {@code FILE_EXISTS} before transferring anything. When on, the old file is
   * replaced atomically and only after the new one is complete and verified.
   */
  public DownloadRequest overwrite(boolean overwrite) {
    return new DownloadRequest(source, directory, file, sha256, size, connections, backend, overwrite,
        discardPartialOnCancel, sidecars, listener, options, extras);
  }

  /**
   * Whether {@link DownloadHandle#cancel()} deletes the partial file. Off by default: a cancelled
   * download keeps {@code NAME.part} and its control file, and the same request later resumes.
   */
  public DownloadRequest discardPartialOnCancel(boolean discard) {
    return new DownloadRequest(source, directory, file, sha256, size, connections, backend, overwrite,
        discard, sidecars, listener, options, extras);
  }

  /** Whether to write the source's sidecar files (metadata JSON, preview image); the builder's setting by default. */
  public DownloadRequest sidecars(boolean sidecars) {
    return new DownloadRequest(source, directory, file, sha256, size, connections, backend, overwrite,
        discardPartialOnCancel, sidecars, listener, options, extras);
  }

  /** A listener for this request only, called after the {@link Downloads}-wide listeners. */
  public DownloadRequest listener(DownloadListener listener) {
    Objects.requireNonNull(listener, "listener");
    return new DownloadRequest(source, directory, file, sha256, size, connections, backend, overwrite,
        discardPartialOnCancel, sidecars, listener, options, extras);
  }

  /** A source-specific option; keys are namespaced by source ({@code civitai.format}). */
  public DownloadRequest option(String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Map<String, String> copy = new LinkedHashMap<>(options);
    copy.put(key, value);
    return new DownloadRequest(source, directory, file, sha256, size, connections, backend, overwrite,
        discardPartialOnCancel, sidecars, listener, copy, extras);
  }

  /**
   * The queue priority: higher goes first (default 0; negative values wait behind the default).
   * Among equal priorities, downloads start in submission order. Changeable later with
   * {@link DownloadHandle#priority(int)}.
   */
  public DownloadRequest priority(int priority) {
    return with(new Extras(priority, extras.notBefore, extras.tokens, extras.bytesPerSecond));
  }

  /**
   * Holds the download in the queue until this instant (night-time downloads on a shared link).
   * {@code null} removes the setting.
   */
  public DownloadRequest notBefore(Instant notBefore) {
    return with(new Extras(extras.priority, notBefore, extras.tokens, extras.bytesPerSecond));
  }

  /**
   * A token for one service ({@code civitai}, {@code huggingface}, ...) for this request only,
   * used instead of the {@link Downloads.Builder#token builder's}: one {@code Downloads} can serve
   * many users, each with their own tokens. It is sent only to that service's hosts, as the
   * builder's is. The service must be one a source plugin declares; {@link Downloads#submit}
   * rejects an unknown one ({@code civit}) naming the known ones. A {@code null} token removes it.
   *
   * <pre>{@code
   * downloads.submit(DownloadRequest.of(url).token("civitai", Secret.ofNullable(user.civitaiToken())));
   * }</pre>
   */
  public DownloadRequest token(String service, Secret token) {
    Objects.requireNonNull(service, "service");
    Map<String, Secret> copy = new LinkedHashMap<>(extras.tokens);
    if (token == null) {
      copy.remove(service);
    } else {
      copy.put(service, token);
    }
    return with(new Extras(extras.priority, extras.notBefore, Map.copyOf(copy), extras.bytesPerSecond));
  }

  /**
   * A rate limit for this download alone, bytes per second (0, the default: only the
   * {@link Limits#bytesPerSecond() global} limit applies).
   */
  public DownloadRequest bytesPerSecond(long rate) {
    if (rate < 0) {
      throw new IllegalArgumentException("bytesPerSecond must be >= 0 (0: no limit), was " + rate);
    }
    return with(new Extras(extras.priority, extras.notBefore, extras.tokens, rate));
  }

  private DownloadRequest with(Extras e) {
    return new DownloadRequest(source, directory, file, sha256, size, connections, backend, overwrite,
        discardPartialOnCancel, sidecars, listener, options, e);
  }

  public String source() {
    return source;
  }

  /** The target folder, if set with {@link #into}. */
  public Optional<Path> directory() {
    return Optional.ofNullable(directory);
  }

  /** The exact target file, if set with {@link #toFile}. */
  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }

  public Optional<String> sha256() {
    return Optional.ofNullable(sha256);
  }

  /** The expected size, or {@code -1}. */
  public long size() {
    return size;
  }

  public Optional<Integer> connections() {
    return Optional.ofNullable(connections);
  }

  public Optional<String> backend() {
    return Optional.ofNullable(backend);
  }

  public boolean overwrite() {
    return overwrite;
  }

  public boolean discardPartialOnCancel() {
    return discardPartialOnCancel;
  }

  public Optional<Boolean> sidecars() {
    return Optional.ofNullable(sidecars);
  }

  public Optional<DownloadListener> listener() {
    return Optional.ofNullable(listener);
  }

  public Map<String, String> options() {
    return options;
  }

  /** The value of a source option, if set. */
  public Optional<String> option(String key) {
    return Optional.ofNullable(options.get(key));
  }

  /** The queue priority (higher first); 0 unless set. */
  public int priority() {
    return extras.priority;
  }

  /** The earliest start, if set. */
  public Optional<Instant> notBefore() {
    return Optional.ofNullable(extras.notBefore);
  }

  /** The tokens set on this request, by service. */
  public Map<String, Secret> tokens() {
    return extras.tokens;
  }

  /** This download's own rate limit in bytes per second; 0 for none. */
  public long bytesPerSecond() {
    return extras.bytesPerSecond;
  }

  @Override
  public String toString() {
    return "DownloadRequest{" + Secret.redact(source)
        + (directory != null ? ", into=" + directory : "")
        + (file != null ? ", file=" + file : "") + "}";
  }
}
