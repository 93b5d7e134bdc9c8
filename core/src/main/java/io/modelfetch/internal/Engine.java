package io.modelfetch.internal;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.DownloadListener;
import io.modelfetch.DownloadRequest;
import io.modelfetch.Secret;
import io.modelfetch.internal.http.DataClient;
import io.modelfetch.internal.jdk.JdkBackend;
import io.modelfetch.spi.DownloadBackend;
import io.modelfetch.spi.SourceResolver;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@code Downloads} runs on: the plugins, the two HTTP clients sharing one TLS context and
 * proxy selector, the thread pools, and the ticker that throttles progress events.
 */
public final class Engine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
  private static final long TICK_MILLIS = 250;
  /** Threads delivering listener callbacks, shared by all downloads. */
  static final int EVENT_THREADS = 4;

  private final EngineConfig config;
  private final List<SourceResolver> resolvers;
  private final Map<String, DownloadBackend> backends;
  private final Lazy<HttpClient> httpClient;
  private final DataClient data;
  private final ExecutorService workers;
  private final ExecutorService eventExecutor;
  private final ScheduledExecutorService ticker;
  private final SidecarWriter sidecars;
  private final CachedFiles cachedFiles;
  private final Set<DownloadTask> running = ConcurrentHashMap.newKeySet();
  private final Set<String> noticesGiven = ConcurrentHashMap.newKeySet();
  private final Manager manager;
  private volatile boolean closed;

  public Engine(EngineConfig config) {
    this.config = config;
    if (config.trustedCertificates() != null) {
      // a bad CA file fails at build(), not at the first download
      Tls.context(null, config.tlsProvider(), config.trustedCertificates());
    }
    Lazy<SSLContext> tls = new Lazy<>(() -> Tls.context(config.sslContext(), config.tlsProvider(),
        config.trustedCertificates()));
    // Conscrypt keeps one session cache per context but separate native contexts for engines (the
    // control client) and sockets (the data path), and refuses to resume a session across them: with
    // a provider, each path gets its own context, with the same provider and trust.
    Lazy<SSLContext> dataTls = config.tlsProvider() == null ? tls : new Lazy<>(() -> Tls.context(config.sslContext(),
        config.tlsProvider(), config.trustedCertificates()));
    ProxySelector proxies = config.proxySelector() != null ? config.proxySelector() : ProxySelector.getDefault();
    this.httpClient = new Lazy<>(() -> {
      HttpClient.Builder http = HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(config.connectTimeout())
          .sslContext(tls.get());
      if (proxies != null) {
        http.proxy(proxies);
      }
      return http.build();
    });
    this.data = new DataClient(dataTls::get, proxies, config.connectTimeout(),
        config.idleTimeout(), config.userAgent(), config.addressPolicy());
    this.resolvers = Plugins.resolvers(config);
    ServiceKeys.check("token", config.tokens().keySet(), resolvers);
    ServiceKeys.check("endpoint", config.endpoints().keySet(), resolvers);
    this.workers = Executors.newCachedThreadPool(threads(config.threadFactory(), "modelfetch-worker"));
    // a few threads deliver every download's events (each download's one at a time, in order), so
    // that queued downloads, which have events too, never cost a thread each
    ThreadPoolExecutor events = new ThreadPoolExecutor(EVENT_THREADS, EVENT_THREADS, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), threads(config.threadFactory(), "modelfetch-events"));
    events.allowCoreThreadTimeOut(true);
    this.eventExecutor = events;
    this.ticker = Executors.newSingleThreadScheduledExecutor(threads(config.threadFactory(), "modelfetch-ticker"));
    this.cachedFiles = new CachedFiles(config.contentStore());
    this.sidecars = new SidecarWriter(httpClient, config.userAgent(), config.sidecars(), config.addressPolicy());
    this.backends = Plugins.backends(config, new JdkBackend(data, workers));
    this.manager = new Manager(this, config);
    ticker.scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    manager.restore();
  }

  /** The download manager: queue, limits, ids, state folder. */
  public Manager manager() {
    return manager;
  }

  void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this Downloads is closed");
    }
  }

  List<SourceResolver> resolvers() {
    return resolvers;
  }

  /** The builder's listeners, one from each factory, then the request's own. */
  List<DownloadListener> listenersFor(DownloadRequest request) {
    List<DownloadListener> listeners = new ArrayList<>(config.listeners());
    for (DownloadListener.Factory f : config.listenerFactories()) {
      try {
        listeners.add(f.create(request));
      } catch (RuntimeException e) {
        LOG.warn("listener factory {} threw; ignored", f.getClass().getName(), e);
      }
    }
    request.listener().ifPresent(listeners::add);
    return listeners;
  }

  SourceResolver resolverFor(String source) throws DownloadException {
    for (SourceResolver r : resolvers) {
      try {
        if (r.accepts(source)) {
          return r;
        }
      } catch (RuntimeException e) {
        LOG.warn("resolver {} failed to check {}; skipped", r.name(), Secret.redact(source), e);
      }
    }
    throw new DownloadException(Kind.UNSUPPORTED_SOURCE, "no source accepts " + Secret.redact(source)
        + " (asked: " + Plugins.names(resolvers, SourceResolver::name)
        + "); pass an http(s) URL or a supported source URL such as https://civitai.com/models/ID"
        + " or https://huggingface.co/ORG/NAME");
  }

  /** The backend for a request: the one it names, or with {@code auto} the available one of highest priority. */
  DownloadBackend backendFor(DownloadRequest request, DownloadTask task) throws DownloadException {
    String name = request.backend().orElse(config.defaultBackend());
    ControlPlane context = task.control();
    if (name.equals("auto")) {
      // highest priority first, and stop at the first available: an availability check may start a process
      return backends.values().stream()
          .sorted(Comparator.comparingInt(DownloadBackend::priority).reversed())
          .filter(b -> available(b, context))
          .findFirst()
          .orElse(backends.get(JdkBackend.NAME));
    }
    DownloadBackend chosen = backends.get(name);
    if (chosen == null) {
      throw new DownloadException(Kind.INVALID_REQUEST, "unknown backend '" + name + "'; known: auto, "
          + String.join(", ", backends.keySet()));
    }
    if (!available(chosen, context)) {
      String message = "backend " + name + " is not available here; using the built-in jdk backend instead";
      if (noticesGiven.add(message)) {
        LOG.warn("{}", message);
      }
      task.events().notice(message);
      return backends.get(JdkBackend.NAME);
    }
    return chosen;
  }

  private static boolean available(DownloadBackend backend, ControlPlane context) {
    try {
      return backend.isAvailable(context);
    } catch (RuntimeException e) {
      LOG.warn("backend {} failed its availability check; treated as unavailable", backend.name(), e);
      return false;
    }
  }

  public List<String> resolverNames() {
    return resolvers.stream().map(SourceResolver::name).toList();
  }

  public List<String> backendNames() {
    return List.copyOf(backends.keySet());
  }

  EngineConfig config() {
    return config;
  }

  HttpClient httpClient() {
    return httpClient.get();
  }

  DataClient data() {
    return data;
  }

  ExecutorService workers() {
    return workers;
  }

  ExecutorService eventExecutor() {
    return eventExecutor;
  }

  SidecarWriter sidecars() {
    return sidecars;
  }

  CachedFiles cachedFiles() {
    return cachedFiles;
  }

  /** A run of the task began or ended: only running downloads are ticked. */
  void running(DownloadTask task, boolean isRunning) {
    if (isRunning) {
      running.add(task);
    } else {
      running.remove(task);
    }
  }

  private void tick() {
    manager.queue().pump(); // not-before times that have come
    long now = System.nanoTime();
    for (DownloadTask task : running) {
      try {
        task.tick(now);
      } catch (RuntimeException e) {
        LOG.warn("progress tick failed for {}", task, e);
      }
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    manager.close();
    ticker.shutdownNow();
    workers.shutdown();
    try {
      workers.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (DownloadBackend backend : backends.values()) {
      try {
        backend.close();
      } catch (RuntimeException e) {
        LOG.warn("backend {} failed to close", backend.name(), e);
      }
    }
    eventExecutor.shutdown();
    data.close();
  }

  /** The application's thread factory, else daemon threads named by what they do. */
  private static ThreadFactory threads(ThreadFactory given, String prefix) {
    if (given != null) {
      return given;
    }
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
