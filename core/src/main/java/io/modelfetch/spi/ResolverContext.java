package io.modelfetch.spi;

import io.modelfetch.DownloadException;
import io.modelfetch.Secret;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;

/**
 * What the engine lends a {@link SourceResolver}: configuration, the environment, and an HTTP
 * client for API calls that shares the {@code Downloads} instance's TLS trust, proxy and
 * User-Agent.
 */
public interface ResolverContext {
  /** The token configured on the builder for a service ({@code civitai}, {@code huggingface}); env vars are the resolver's to read. */
  Optional<Secret> token(String service);

  /** The base URL configured on the builder for a service, without a trailing slash. */
  Optional<String> endpoint(String service);

  /** An environment variable, as the builder's environment sees it (the process's by default). */
  Optional<String> env(String name);

  /** The User-Agent every request carries. */
  String userAgent();

  /** The control-plane client. It never follows redirects: resolvers decide which to follow. */
  HttpClient httpClient();

  /**
   * Sends an API request with the User-Agent set, the request timeout applied, and retries on
   * connection failures, 429, 500, 502, 503 and 504 with exponential backoff and jitter, honouring
   * {@code Retry-After} and {@code RateLimit: ...;t=N}. Returns the last response whatever its status
   * (the resolver maps statuses onto errors); redirects are returned, not followed.
   *
   * @throws DownloadException {@code NETWORK} when the server could not be reached in any attempt,
   *     {@code CANCELLED} when the download was cancelled meanwhile
   */
  <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> bodyHandler) throws DownloadException;

  /** Tells the user something that is not an error (shown by the CLI, passed to {@code onNotice}). */
  void notice(String message);
}
