package io.modelfetch;

import io.modelfetch.internal.Engine;
import io.modelfetch.internal.EngineConfig;
import io.modelfetch.internal.cache.ContentStore;
import io.modelfetch.spi.DownloadBackend;
import io.modelfetch.spi.SourceResolver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ProxySelector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import javax.net.ssl.SSLContext;

/**
 * The entry point: a configured downloader that runs any number of downloads concurrently.
 *
 * <pre>{@code
 * try (Downloads downloads = Downloads.builder()
 *         .connectionsPerFile(16)
 *         .token("civitai", Secret.ofNullable(System.getenv("CIVITAI_TOKEN")))
 *         .listener(new DownloadListener() {
 *           @Override public void onProgress(DownloadHandle d, Progress p) { ui.update(p); }
 *         })
 *         .build()) {
 *   DownloadHandle h = downloads.submit(DownloadRequest.of("https://civitai.com/models/4201?modelVersionId=130072")
 *       .into(Path.of("models/Stable-diffusion")));
 *   DownloadResult r = h.result().join();        // or downloads.download(request) to block
 *   System.out.println(r.path() + " " + r.metadata().baseModel().orElse("?"));
 * }
 * }</pre>
 *
 * <p>A {@code Downloads} is immutable and thread-safe; build one and share it. {@link #newBuilder()}
 * derives a variant. {@link #close()} cancels what is still running and releases threads and
 * backend processes.
 *
 * <p>Sources (CivitAI, Hugging Face, ...) and backends (aria2c) are plugins found on the class path
 * with {@link java.util.ServiceLoader}; ones registered on the builder come first.
 */
public final class Downloads implements AutoCloseable {
  private final Builder builder;
  private final Engine engine;

  private Downloads(Builder builder) {
    this.builder = builder.copy();
    this.engine = new Engine(this.builder.toConfig());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder with this instance's settings, to derive a variant. */
  public Builder newBuilder() {
    return builder.copy();
  }

  /**
   * Queues a download and returns at once. It starts when one of the
   * {@link Limits#maxRunningDownloads() running slots} is free, by priority, then in submission
   * order, and not before its {@link DownloadRequest#notBefore not-before} time.
   *
   * @throws IllegalArgumentException if the request carries a token for a service no source
   *     plugin declares (the message names the known ones)
   */
  public DownloadHandle submit(DownloadRequest request) {
    Objects.requireNonNull(request, "request");
    return engine.manager().submit(request);
  }

  /**
   * Submits many requests as one batch: each is an ordinary queued download, and the returned
   * handle follows them together (overall progress, every item's outcome). Keeps going when an item
   * fails.
   *
   * @throws IllegalArgumentException as {@link #submit} would for any of the requests; then none is submitted
   */
  public BatchHandle submitBatch(List<DownloadRequest> requests) {
    return submitBatch(requests, BatchHandle.Mode.KEEP_GOING);
  }

  /** {@link #submitBatch(List)}, choosing whether the first failure cancels the rest ({@link BatchHandle.Mode#FAIL_FAST}). */
  public BatchHandle submitBatch(List<DownloadRequest> requests, BatchHandle.Mode mode) {
    Objects.requireNonNull(mode, "mode");
    List<DownloadRequest> copy = List.copyOf(requests);
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("a batch needs at least one request");
    }
    return engine.manager().submitBatch(copy, mode);
  }

  /**
   * What the request would download (file names, sizes, published checksums, metadata, backend),
   * asked of the source without transferring any file body. Submitting the same request within
   * two minutes reuses this answer instead of asking the source again.
   *
   * <pre>{@code
   * Resolution r = downloads.resolve(DownloadRequest.of(url));
   * if (ui.confirm(r.files().get(0).metadata().modelName().orElse(url) + ", " + r.totalSize() + " bytes")) {
   *   downloads.submit(DownloadRequest.of(url).into(dir));   // no second API call
   * }
   * }</pre>
   *
   * @throws DownloadException as the download itself would fail to resolve (not found, authentication required, ...)
   */
  public Resolution resolve(DownloadRequest request) throws DownloadException {
    Objects.requireNonNull(request, "request");
    return engine.manager().resolve(request);
  }

  /** {@link #resolve} without blocking: the future fails with the {@link DownloadException}. */
  public CompletableFuture<Resolution> resolveAsync(DownloadRequest request) {
    Objects.requireNonNull(request, "request");
    return engine.manager().resolveAsync(request);
  }

  /**
   * Every download of this instance, in submission order: queued, running, paused, and the most
   * recent thousand that ended. Each is a snapshot of that moment.
   */
  public List<DownloadSnapshot> list() {
    return engine.manager().list();
  }

  /** A snapshot of one download, by {@link DownloadHandle#id()}. */
  public Optional<DownloadSnapshot> get(String id) {
    return engine.manager().get(id);
  }

  /** The handle of one download, by id, to pause, resume, cancel or re-prioritise it. */
  public Optional<DownloadHandle> handle(String id) {
    return engine.manager().handle(id);
  }

  /** The limits in force now. */
  public Limits limits() {
    return engine.manager().limits();
  }

  /** Changes the limits; they take effect within a second (running downloads are not stopped to get under a lower count). */
  public void limits(Limits limits) {
    engine.manager().limits(Objects.requireNonNull(limits, "limits"));
  }

  /**
   * Downloads and waits. If the calling thread is interrupted, the download is cancelled (its
   * partial file kept) and this throws {@code CANCELLED} with the interrupt flag set again.
   */
  public DownloadResult download(DownloadRequest request) throws DownloadException {
    DownloadHandle handle = submit(request);
    try {
      return handle.result().get();
    } catch (InterruptedException e) {
      handle.cancel();
      Thread.currentThread().interrupt();
      throw new DownloadException(DownloadException.Kind.CANCELLED, "interrupted while waiting for " + request, e);
    } catch (ExecutionException | CompletionException e) {
      throw unwrap(e.getCause());
    } catch (CancellationException e) {
      throw new DownloadException(DownloadException.Kind.CANCELLED, "cancelled: " + request, e);
    }
  }

  /** Shortcut for {@code download(DownloadRequest.of(url).into(directory))}. */
  public DownloadResult download(String url, Path directory) throws DownloadException {
    return download(DownloadRequest.of(url).into(directory));
  }

  /** The names of the source resolvers in the order they are asked. */
  public List<String> resolvers() {
    return engine.resolverNames();
  }

  /** The names of the backends this instance knows, available or not. */
  public List<String> backends() {
    return engine.backendNames();
  }

  /** Cancels running downloads (keeping their partial files), stops backend processes and threads. */
  @Override
  public void close() {
    engine.close();
  }

  /** This library's version, as in the default User-Agent. */
  public static String version() {
    return Version.VALUE;
  }

  private static DownloadException unwrap(Throwable cause) {
    if (cause instanceof DownloadException) {
      return (DownloadException) cause;
    }
    return new DownloadException(DownloadException.Kind.LOCAL_IO, "download failed unexpectedly: " + cause, cause);
  }

  private static final class Version {
    static final String VALUE = read();

    private static String read() {
      try (InputStream in = Downloads.class.getResourceAsStream("version.properties")) {
        Properties p = new Properties();
        if (in != null) {
          p.load(in);
        }
        return p.getProperty("version", "dev");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Configures a {@link Downloads}. Every setter validates at once and names the argument in its
   * message.
   */
  public static final class Builder {
    static final int MAX_CONNECTIONS = 64;

    private int connectionsPerFile = 16;
    private int maxConnections = 16;
    private int maxConcurrentFiles = 8;
    private Duration connectTimeout = Duration.ofSeconds(15);
    private Duration idleTimeout = Duration.ofSeconds(30);
    private int retries = 5;
    private String userAgent = "modelfetch/" + version();
    private final List<DownloadListener> listeners = new ArrayList<>();
    private final List<DownloadListener.Factory> listenerFactories = new ArrayList<>();
    private final List<SourceResolver> resolvers = new ArrayList<>();
    private final List<DownloadBackend> backends = new ArrayList<>();
    private boolean discoverPlugins = true;
    private String backend = "auto";
    private final Map<String, Secret> tokens = new LinkedHashMap<>();
    private final Map<String, String> endpoints = new LinkedHashMap<>();
    private final Map<String, String> backendOptions = new LinkedHashMap<>();
    private Map<String, String> environment;
    private boolean sidecars = true;
    private boolean alwaysHash;
    private Path contentCache;
    private long contentCacheBytes;
    private Path trustedCertificates;
    private SSLContext sslContext;
    private Provider tlsProvider;
    private ProxySelector proxySelector;
    private AddressPolicy addressPolicy = AddressPolicy.allowAll();
    private Limits limits = Limits.DEFAULT;
    private ThreadFactory threadFactory;
    private Path stateFolder;

    private Builder() {
    }

    /** Connections per file, 1..64 (default 16, the politeness ceiling aria2 also uses). */
    public Builder connectionsPerFile(int connections) {
      checkConnections(connections);
      this.connectionsPerFile = connections;
      return this;
    }

    /** Connections one download may hold across all its files (a repository snapshot), 1..64; default 16. */
    public Builder maxConnections(int connections) {
      checkConnections(connections);
      this.maxConnections = connections;
      return this;
    }

    /** Files of one download transferred at the same time, 1..64; default 8. */
    public Builder maxConcurrentFiles(int files) {
      if (files < 1 || files > 64) {
        throw new IllegalArgumentException("maxConcurrentFiles must be 1..64, was " + files);
      }
      this.maxConcurrentFiles = files;
      return this;
    }

    /** How long to wait for a TCP/TLS connection; default 15 s. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = checkPositive(timeout, "connectTimeout");
      return this;
    }

    /** How long a connection may go without receiving a byte before it is abandoned and retried; default 30 s. */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = checkPositive(timeout, "idleTimeout");
      return this;
    }

    /** Retries per request after the first attempt, 0..100; default 5. The count resets whenever bytes arrive. */
    public Builder retries(int retries) {
      if (retries < 0 || retries > 100) {
        throw new IllegalArgumentException("retries must be 0..100, was " + retries);
      }
      this.retries = retries;
      return this;
    }

    /**
     * The User-Agent of every request; default {@code modelfetch/<version>}. Do not use a browser's:
     * CivitAI answers browser agents with HTML login pages instead of files.
     */
    public Builder userAgent(String userAgent) {
      Objects.requireNonNull(userAgent, "userAgent");
      if (userAgent.isBlank() || userAgent.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
        throw new IllegalArgumentException("userAgent must be non-blank printable text, was '" + userAgent + "'");
      }
      this.userAgent = userAgent;
      return this;
    }

    /** Adds a listener for every download. */
    public Builder listener(DownloadListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Adds a factory that creates a listener per download. */
    public Builder listenerFactory(DownloadListener.Factory factory) {
      listenerFactories.add(Objects.requireNonNull(factory, "factory"));
      return this;
    }

    /** Registers a resolver; registered resolvers are asked before discovered ones of the same priority. */
    public Builder resolver(SourceResolver resolver) {
      resolvers.add(Objects.requireNonNull(resolver, "resolver"));
      return this;
    }

    /** Registers a backend; a registered backend replaces a discovered one of the same name. */
    public Builder backend(DownloadBackend backend) {
      backends.add(Objects.requireNonNull(backend, "backend"));
      return this;
    }

    /** Whether to find resolvers and backends on the class path with ServiceLoader; default true. */
    public Builder discoverPlugins(boolean discover) {
      this.discoverPlugins = discover;
      return this;
    }

    /**
     * The backend for requests that do not name one: {@code auto} (default: the available backend
     * of highest priority), {@code jdk}, {@code aria2}, or a plugin's name.
     */
    public Builder defaultBackend(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("defaultBackend must not be blank; use auto, jdk or aria2");
      }
      this.backend = name.toLowerCase(Locale.ROOT);
      return this;
    }

    /** A backend-specific option ({@code aria2.path=/opt/aria2/bin/aria2c}). */
    public Builder backendOption(String key, String value) {
      backendOptions.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * A token for one service ({@code civitai}, {@code huggingface}, ...); a request's own
     * {@link DownloadRequest#token token} for the same service wins. It is sent only to that
     * service's hosts. Without it, each source reads its environment variable ({@code CIVITAI_TOKEN},
     * {@code HF_TOKEN}). A {@code null} token removes the setting.
     */
    public Builder token(String service, Secret token) {
      Objects.requireNonNull(service, "service");
      if (token == null) {
        tokens.remove(service);
      } else {
        tokens.put(service, token);
      }
      return this;
    }

    /**
     * The base URL of a service's API, for mirrors and tests ({@code huggingface} ->
     * {@code https://hf-mirror.com}). Without it, each source reads its environment variable
     * ({@code CIVITAI_ENDPOINT}, {@code HF_ENDPOINT}).
     */
    public Builder endpoint(String service, String baseUrl) {
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(baseUrl, "baseUrl");
      if (!baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
        throw new IllegalArgumentException("endpoint for " + service + " must be an http(s) URL, was " + Secret.redact(baseUrl));
      }
      endpoints.put(service, baseUrl.replaceAll("/+$", ""));
      return this;
    }

    /** The environment variables sources and backends see, instead of the process's (for tests and sandboxes). */
    public Builder environment(Map<String, String> environment) {
      this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
      return this;
    }

    /** Whether sources write sidecar files (metadata JSON, preview image) beside models; default true. */
    public Builder sidecars(boolean sidecars) {
      this.sidecars = sidecars;
      return this;
    }

    /**
     * Whether to compute the SHA-256 of every file, also when the source published none (it is then
     * reported in the result). Default false: files are hashed only when there is a checksum to verify.
     */
    public Builder alwaysHash(boolean alwaysHash) {
      this.alwaysHash = alwaysHash;
      return this;
    }

    /** Also trusts the CA certificates in this PEM file (a corporate proxy, a private mirror). */
    public Builder trustCertificates(Path pemFile) {
      Objects.requireNonNull(pemFile, "pemFile");
      if (!Files.isReadable(pemFile)) {
        throw new IllegalArgumentException("trustCertificates: cannot read " + pemFile);
      }
      this.trustedCertificates = pemFile;
      return this;
    }

    /**
     * Uses this TLS context for every connection instead of the JDK's default. For another provider
     * (Conscrypt) prefer {@link #tlsProvider}: some providers cannot share one context between the
     * API client and the data connections.
     */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
      return this;
    }

    /**
     * Uses this JCA provider's TLS for every connection (for example Conscrypt's BoringSSL, which
     * decrypts several times faster than the JDK's own on a cold JVM), still trusting the JDK's CAs
     * and those of {@link #trustCertificates}.
     */
    public Builder tlsProvider(Provider provider) {
      this.tlsProvider = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /** Uses this proxy selector for every connection; default {@link ProxySelector#getDefault()}. */
    public Builder proxySelector(ProxySelector proxySelector) {
      this.proxySelector = Objects.requireNonNull(proxySelector, "proxySelector");
      return this;
    }

    /**
     * Which addresses connections may go to, checked after DNS resolution on every connection and
     * redirect; default {@link AddressPolicy#allowAll()}. A server that downloads URLs its users
     * paste uses {@link AddressPolicy#publicOnly()}.
     */
    public Builder addressPolicy(AddressPolicy policy) {
      this.addressPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Keeps verified files in a content-addressed cache in {@code folder}, at most {@code maxBytes}
     * (least recently used files go first). A file whose SHA-256 the source publishes (CivitAI,
     * Hugging Face LFS files, a request's {@link DownloadRequest#sha256}) and that the cache holds is
     * then produced with no request to its server: by hard link where the file system allows (no
     * copy, no extra space), else by copy. Several processes and machines may share the folder,
     * also on a network file system. Off by default; {@code null} turns it off.
     */
    public Builder contentCache(Path folder, long maxBytes) {
      if (folder != null && maxBytes <= 0) {
        throw new IllegalArgumentException("content cache size must be positive, was " + maxBytes);
      }
      this.contentCache = folder;
      this.contentCacheBytes = maxBytes;
      return this;
    }

    /** Downloads that run at once, 1..1000 (default 3); the others wait in the queue. */
    public Builder maxRunningDownloads(int downloads) {
      this.limits = limits.withMaxRunningDownloads(downloads);
      return this;
    }

    /** Connections all running downloads may hold together, 1..1024 (default 32). */
    public Builder maxConnectionsTotal(int connections) {
      this.limits = limits.withMaxConnections(connections);
      return this;
    }

    /** Connections to any one host across all downloads, 1..1024 (default 16). */
    public Builder maxConnectionsPerHost(int connections) {
      this.limits = limits.withMaxConnectionsPerHost(connections);
      return this;
    }

    /** All limits at once; see {@link Limits}. */
    public Builder limits(Limits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * Creates every thread this instance uses (transfers, events, the ticker), for an application
     * that names, groups or accounts its threads. Threads are made only for running downloads and
     * their connections, never for queued ones. Default: daemon threads named {@code modelfetch-*}.
     */
    public Builder threadFactory(ThreadFactory threadFactory) {
      this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
      return this;
    }

    /**
     * Keeps the queue, paused downloads and the history of ended ones in this folder, so they
     * survive a restart or a crash: the next {@code Downloads} built with the same folder lists
     * them again with their ids, queues what was queued or running (continuing from the partial
     * files), and keeps paused ones paused. Tokens set on requests are not written to disk: a
     * restored download uses the builder's tokens. One process at a time may use a folder.
     * {@link Downloads#close()} then stops running downloads without forgetting them: they are
     * queued again at the next start.
     */
    public Builder stateFolder(Path folder) {
      this.stateFolder = Objects.requireNonNull(folder, "folder").toAbsolutePath();
      return this;
    }

    /**
     * Builds the instance.
     *
     * @throws IllegalArgumentException if a token or endpoint is set for a service no source
     *     plugin declares (the message names the known ones)
     */
    public Downloads build() {
      if (sslContext != null && (trustedCertificates != null || tlsProvider != null)) {
        throw new IllegalStateException("an sslContext already decides trust and provider: set either sslContext, "
            + "or trustCertificates/tlsProvider");
      }
      return new Downloads(this);
    }

    static int checkConnections(int connections) {
      if (connections < 1 || connections > MAX_CONNECTIONS) {
        throw new IllegalArgumentException("connections must be 1.." + MAX_CONNECTIONS + ", was " + connections);
      }
      return connections;
    }

    private static Duration checkPositive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
      return d;
    }

    private Builder copy() {
      Builder b = new Builder();
      b.connectionsPerFile = connectionsPerFile;
      b.maxConnections = maxConnections;
      b.maxConcurrentFiles = maxConcurrentFiles;
      b.connectTimeout = connectTimeout;
      b.idleTimeout = idleTimeout;
      b.retries = retries;
      b.userAgent = userAgent;
      b.listeners.addAll(listeners);
      b.listenerFactories.addAll(listenerFactories);
      b.resolvers.addAll(resolvers);
      b.backends.addAll(backends);
      b.discoverPlugins = discoverPlugins;
      b.backend = backend;
      b.tokens.putAll(tokens);
      b.endpoints.putAll(endpoints);
      b.backendOptions.putAll(backendOptions);
      b.environment = environment;
      b.sidecars = sidecars;
      b.alwaysHash = alwaysHash;
      b.trustedCertificates = trustedCertificates;
      b.sslContext = sslContext;
      b.tlsProvider = tlsProvider;
      b.proxySelector = proxySelector;
      b.addressPolicy = addressPolicy;
      b.limits = limits;
      b.threadFactory = threadFactory;
      b.stateFolder = stateFolder;
      b.contentCache = contentCache;
      b.contentCacheBytes = contentCacheBytes;
      return b;
    }

    private EngineConfig toConfig() {
      return new EngineConfig(connectionsPerFile, maxConnections, maxConcurrentFiles, connectTimeout, idleTimeout,
          retries, userAgent, listeners, listenerFactories, resolvers, backends, discoverPlugins, backend, tokens,
          endpoints, backendOptions, environment, sidecars, alwaysHash, trustedCertificates, sslContext, tlsProvider,
          proxySelector, addressPolicy, limits, threadFactory, stateFolder,
          contentCache == null ? null : new ContentStore(contentCache, contentCacheBytes));
    }
  }
}
