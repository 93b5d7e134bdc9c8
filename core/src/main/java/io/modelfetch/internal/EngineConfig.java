package io.modelfetch.internal;

import io.modelfetch.AddressPolicy;
import io.modelfetch.DownloadListener;
import io.modelfetch.Limits;
import io.modelfetch.Secret;
import io.modelfetch.spi.DownloadBackend;
import io.modelfetch.spi.SourceResolver;
import io.modelfetch.internal.cache.ContentStore;
import java.net.ProxySelector;
import java.nio.file.Path;
import java.security.Provider;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import javax.net.ssl.SSLContext;

/** The settings of a {@code Downloads}, as its builder validated them. */
public record EngineConfig(
    int connectionsPerFile,
    int maxConnections,
    int maxConcurrentFiles,
    Duration connectTimeout,
    Duration idleTimeout,
    int retries,
    String userAgent,
    List<DownloadListener> listeners,
    List<DownloadListener.Factory> listenerFactories,
    List<SourceResolver> resolvers,
    List<DownloadBackend> backends,
    boolean discoverPlugins,
    String defaultBackend,
    Map<String, Secret> tokens,
    Map<String, String> endpoints,
    Map<String, String> backendOptions,
    Map<String, String> environment,
    boolean sidecars,
    boolean alwaysHash,
    Path trustedCertificates,
    SSLContext sslContext,
    Provider tlsProvider,
    ProxySelector proxySelector,
    AddressPolicy addressPolicy,
    Limits limits,
    ThreadFactory threadFactory,
    Path stateFolder,
    ContentStore contentStore) {

  public EngineConfig {
    listeners = List.copyOf(listeners);
    listenerFactories = List.copyOf(listenerFactories);
    resolvers = List.copyOf(resolvers);
    backends = List.copyOf(backends);
    tokens = Map.copyOf(tokens);
    endpoints = Map.copyOf(endpoints);
    backendOptions = Map.copyOf(backendOptions);
  }

  /** Attempts per request: the first plus the retries. */
  public int maxAttempts() {
    return retries + 1;
  }

  /** An environment variable as the builder's environment sees it. */
  public String env(String name) {
    return environment != null ? environment.get(name) : System.getenv(name);
  }
}
