package io.modelfetch.internal;

import io.modelfetch.AddressPolicy;
import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.RetryInfo;
import io.modelfetch.Secret;
import io.modelfetch.spi.BackendContext;
import io.modelfetch.spi.ResolverContext;
import java.io.IOException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The control plane as one download's resolvers and backends see it: configuration, environment,
 * and {@code java.net.http} API calls with retries that report to this download's listeners.
 */
final class ControlPlane implements ResolverContext, BackendContext {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final EngineConfig config;
  private final Supplier<HttpClient> client;
  private final DownloadTask task;

  ControlPlane(EngineConfig config, Supplier<HttpClient> client, DownloadTask task) {
    this.config = config;
    this.client = client;
    this.task = task;
  }

  @Override
  public Optional<Secret> token(String service) {
    Secret own = task.request().tokens().get(service);
    return Optional.ofNullable(own != null ? own : config.tokens().get(service));
  }

  @Override
  public Optional<String> endpoint(String service) {
    return Optional.ofNullable(config.endpoints().get(service));
  }

  @Override
  public Optional<String> env(String name) {
    String value = config.env(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
  }

  @Override
  public Optional<String> option(String key) {
    return Optional.ofNullable(config.backendOptions().get(key));
  }

  @Override
  public Proxy proxyFor(URI uri) {
    ProxySelector selector = config.proxySelector() != null ? config.proxySelector() : ProxySelector.getDefault();
    List<Proxy> proxies = selector == null ? null : selector.select(uri);
    return proxies == null || proxies.isEmpty() ? Proxy.NO_PROXY : proxies.get(0);
  }

  @Override
  public String userAgent() {
    return config.userAgent();
  }

  @Override
  public Optional<Path> trustedCertificates() {
    return Optional.ofNullable(config.trustedCertificates());
  }

  @Override
  public HttpClient httpClient() {
    return client.get();
  }

  @Override
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> bodyHandler)
      throws DownloadException {
    HttpRequest.Builder b = HttpRequest.newBuilder(request, (name, value) -> !name.equalsIgnoreCase("User-Agent"))
        .setHeader("User-Agent", config.userAgent());
    if (request.timeout().isEmpty()) {
      b.timeout(REQUEST_TIMEOUT);
    }
    HttpRequest withAgent = b.build();
    String where = Secret.redact(request.uri().toString());
    int attempts = config.maxAttempts();
    for (int attempt = 1; ; attempt++) {
      task.checkNotCancelled();
      Duration wait;
      String reason;
      try {
        // the JDK client resolves by itself; its lookup answers from the JVM's address cache, which
        // this check has just filled with the addresses it allowed
        config.addressPolicy().check(request.uri());
        HttpResponse<T> response = client.get().send(withAgent, bodyHandler);
        if (!Backoff.retryableStatus(response.statusCode()) || attempt >= attempts) {
          return response;
        }
        wait = Backoff.delay(attempt + 1, response.headers().firstValue("Retry-After").orElse(null),
            response.headers().firstValue("RateLimit").orElse(null));
        if (wait.compareTo(Backoff.MAX_SERVER_WAIT) > 0) {
          return response;
        }
        reason = "HTTP " + response.statusCode() + " from " + request.uri().getHost();
        discard(response.body());
      } catch (AddressPolicy.Refused e) {
        throw HttpErrors.refused(e, request.uri());
      } catch (IOException e) {
        if (attempt >= attempts) {
          throw HttpErrors.forIo(e, request.uri(), attempt);
        }
        wait = Backoff.exponential(attempt + 1);
        reason = HttpErrors.describe(e) + " for " + where;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DownloadException(Kind.CANCELLED, "cancelled while requesting " + where, e);
      }
      task.events().retrying(new RetryInfo(reason, attempt + 1, wait));
      task.sleep(wait);
    }
  }

  /** Closes a streamed body of a response that is retried, so its connection is not held. */
  private static void discard(Object body) {
    if (body instanceof AutoCloseable) {
      try {
        ((AutoCloseable) body).close();
      } catch (Exception ignored) {
        // the response is dropped either way
      }
    }
  }

  @Override
  public long totalBytesPerSecond() {
    return task.engine().manager().limits().bytesPerSecond();
  }

  @Override
  public void notice(String message) {
    task.notice(message);
  }
}
