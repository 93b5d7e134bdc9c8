package io.modelfetch.gdrive;

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

/** A resolver context without the engine, for looking at the RemoteFiles a resolver returns. */
final class TestContext implements ResolverContext {
  private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .version(HttpClient.Version.HTTP_1_1).build();
  private final String endpoint;
  private final Map<String, String> env;
  private final List<String> notices = new CopyOnWriteArrayList<>();

  TestContext(String endpoint, Map<String, String> env) {
    this.endpoint = endpoint;
    this.env = Map.copyOf(env);
  }

  @Override
  public Optional<Secret> token(String service) {
    return Optional.empty();
  }

  @Override
  public Optional<String> endpoint(String service) {
    return service.equals("gdrive") ? Optional.ofNullable(endpoint) : Optional.empty();
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

  List<String> notices() {
    return List.copyOf(notices);
  }
}
