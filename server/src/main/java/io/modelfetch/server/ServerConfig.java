package io.modelfetch.server;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link ModelServer} runs.
 *
 * @param host the address to bind; {@code 127.0.0.1} keeps the page and API on this machine
 * @param port the port, or 0 for a free one
 * @param models the root of the models folder; downloads go only into its fixed subfolders
 * @param allowPrivate whether downloads may reach loopback, private and link-local addresses
 *     (a home network, tests); off by default, so a pasted URL cannot reach the server's own network
 * @param environment the variables the downloader reads (tokens, endpoints), or {@code null} for
 *     the process's
 */
public record ServerConfig(String host, int port, Path models, boolean allowPrivate, Map<String, String> environment) {

  public ServerConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(models, "models");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, was " + port);
    }
    environment = environment == null ? null : Map.copyOf(environment);
  }

  /** 127.0.0.1:8080, {@code ./models}, public addresses only, the process's environment. */
  public static ServerConfig defaults() {
    return new ServerConfig("127.0.0.1", 8080, Path.of("models"), false, null);
  }

  public ServerConfig withPort(int port) {
    return new ServerConfig(host, port, models, allowPrivate, environment);
  }

  public ServerConfig withModels(Path models) {
    return new ServerConfig(host, port, models, allowPrivate, environment);
  }

  public ServerConfig withAllowPrivate(boolean allowPrivate) {
    return new ServerConfig(host, port, models, allowPrivate, environment);
  }

  public ServerConfig withEnvironment(Map<String, String> environment) {
    return new ServerConfig(host, port, models, allowPrivate, environment);
  }

  /** Whether the server only listens on this machine (then requests must name it as their Host). */
  boolean loopbackOnly() {
    return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1");
  }
}
