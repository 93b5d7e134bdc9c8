package io.modelfetch.testing;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.Secret;
import io.modelfetch.spi.ResolverContext;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link ResolverContext} without the engine, for unit tests that call a resolver directly and
 * look at the {@code RemoteFile}s it returns. It knows one service's endpoint and token, reads the
 * environment from a map (a blank value counts as unset, as in the engine), sends requests once
 * with an HTTP/1.1 client that never follows redirects, and records notices.
 *
 * <pre>{@code
 * TestResolverContext context = TestResolverContext.forService("huggingface")
 *     .withEndpoint(hub.base())
 *     .withToken(Secret.of("hf_test"))
 *     .withEnv(Map.of("HOME", dir.toString()));
 * List<RemoteFile> files = new HuggingFaceResolver().resolve(new SourceRequest(url, Map.of(), dir), context);
 * assertThat(context.notices()).isEmpty();
 * }</pre>
 *
 * <p>Unlike the engine's context it does not retry on 429/5xx: a test sees every answer.
 */
public final class TestResolverContext implements ResolverContext {
  private final HttpClient client;
  private final String service;
  private final String endpoint;
  private final Secret token;
  private final Map<String, String> env;
  private final List<String> notices = new CopyOnWriteArrayList<>();

  private TestResolverContext(HttpClient client, String service, String endpoint, Secret token,
      Map<String, String> env) {
    this.client = client;
    this.service = service;
    this.endpoint = endpoint;
    this.token = token;
    this.env = Map.copyOf(env);
  }

  /**
   * A context for the resolver of {@code service} (its name, {@code "huggingface"}), with no
   * endpoint, token or environment.
   */
  public static TestResolverContext forService(String service) {
    HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1).build();
    return new TestResolverContext(client, service, null, null, Map.of());
  }

  /** The same context with the service's endpoint, as if set on the builder; null for none. */
  public TestResolverContext withEndpoint(String endpoint) {
    return new TestResolverContext(client, service, endpoint, token, env);
  }

  /** The same context with the service's token; null for none. */
  public TestResolverContext withToken(Secret token) {
    return new TestResolverContext(client, service, endpoint, token, env);
  }

  /** The same context with this environment instead of the process's. */
  public TestResolverContext withEnv(Map<String, String> env) {
    return new TestResolverContext(client, service, endpoint, token, env);
  }

  @Override
  public Optional<Secret> token(String service) {
    return service.equals(this.service) ? Optional.ofNullable(token) : Optional.empty();
  }

  @Override
  public Optional<String> endpoint(String service) {
    return service.equals(this.service) ? Optional.ofNullable(endpoint) : Optional.empty();
  }

  @Override
  public Optional<String> env(String name) {
    return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank());
  }

  @Override
  public String userAgent() {
    return "modelfetch-test";
  }

  @Override
  public HttpClient httpClient() {
    return client;
  }

  @Override
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws DownloadException {
    try {
      return client.send(request, handler);
    } catch (IOException e) {
      throw new DownloadException(Kind.NETWORK, "test request failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DownloadException(Kind.CANCELLED, "interrupted");
    }
  }

  @Override
  public void notice(String message) {
    notices.add(message);
  }

  /** The notices resolvers gave through this context, in order. */
  public List<String> notices() {
    return List.copyOf(notices);
  }
}
