package io.modelfetch.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.modelfetch.AddressPolicy;
import io.modelfetch.Downloads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model server's download page: the JDK's {@link HttpServer}, one long-lived {@link Downloads},
 * a JSON API and one static page that shows live progress over Server-Sent Events.
 *
 * <pre>{@code
 * try (ModelServer server = ModelServer.start(ServerConfig.defaults().withPort(8080))) {
 *   System.out.println("open " + server.uri());
 *   Thread.currentThread().join();
 * }
 * }</pre>
 *
 * <p>Downloads go only into the fixed folders under the models root ({@link ModelFolders#NAMES}).
 * Unless {@link ServerConfig#allowPrivate()}, the downloader refuses loopback, private and
 * link-local addresses ({@link AddressPolicy#publicOnly()}): whoever can reach the page cannot make
 * the server fetch from its own network. Tokens come from the server's environment
 * ({@code CIVITAI_TOKEN}, {@code HF_TOKEN}) and never appear in an answer.
 */
public final class ModelServer implements AutoCloseable {
  private final HttpServer http;
  private final ExecutorService threads;
  private final Downloads downloads;
  private final EventHub hub = new EventHub();
  private final ServerConfig config;

  private ModelServer(ServerConfig config) throws IOException {
    this.config = config;
    ModelFolders folders = new ModelFolders(config.models());
    folders.create();
    Downloads.Builder builder = Downloads.builder()
        .addressPolicy(config.allowPrivate() ? AddressPolicy.allowAll() : AddressPolicy.publicOnly());
    if (config.environment() != null) {
      builder.environment(config.environment());
    }
    this.downloads = builder.build();
    AtomicInteger n = new AtomicInteger();
    // a thread per request: an event stream holds its thread for as long as the page is open
    this.threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "modelfetch-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.http = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 64);
    http.setExecutor(threads);
    Api api = new Api(new DownloadBook(downloads, hub), hub, folders, config.allowPrivate());
    http.createContext("/api/", guarded(api));
    http.createContext("/", guarded(ModelServer::page));
    http.start();
  }

  /** Starts serving; the models folders are created if missing. */
  public static ModelServer start(ServerConfig config) throws IOException {
    return new ModelServer(config);
  }

  /** Where the page is, e.g. {@code http://127.0.0.1:8080/}. */
  public URI uri() {
    String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
    return URI.create("http://" + host + ":" + http.getAddress().getPort() + "/");
  }

  /** Stops the page and the event streams, then cancels running downloads (their partial files stay). */
  @Override
  public void close() {
    hub.close();
    http.stop(1);
    downloads.close();
    threads.shutdownNow();
  }

  private static void page(HttpExchange exchange) throws IOException {
    try (exchange; InputStream in = ModelServer.class.getResourceAsStream("index.html")) {
      String path = exchange.getRequestURI().getPath();
      if (!exchange.getRequestMethod().equals("GET") || !(path.equals("/") || path.equals("/index.html"))) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      byte[] page = in.readAllBytes();
      exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
      // no scripts or styles from anywhere else; preview images may come from the sources' CDNs
      exchange.getResponseHeaders().set("Content-Security-Policy",
          "default-src 'self'; img-src 'self' https: http: data:; style-src 'self' 'unsafe-inline';"
              + " script-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
      exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.sendResponseHeaders(200, page.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(page);
      }
    }
  }

  /**
   * Refuses requests a web page elsewhere could make the browser send: on a loopback server the
   * Host must name this machine (a DNS-rebinding page names its own host), and a request that
   * changes something must come from this page's origin when the browser says where it comes from.
   */
  private HttpHandler guarded(HttpHandler handler) {
    Set<String> hosts = Set.of("127.0.0.1", "localhost", "[::1]");
    return exchange -> {
      String host = exchange.getRequestHeaders().getFirst("Host");
      String hostName = host == null ? "" : host.replaceFirst(":\\d+$", "").toLowerCase(Locale.ROOT);
      String origin = exchange.getRequestHeaders().getFirst("Origin");
      boolean badHost = config.loopbackOnly() && !hosts.contains(hostName);
      boolean badOrigin = origin != null && !exchange.getRequestMethod().equals("GET")
          && !origin.equalsIgnoreCase("http://" + host);
      if (badHost || badOrigin) {
        try (exchange) {
          Json.error(exchange, new Json.ApiError(403, "ACCESS_DENIED", badHost
              ? "this server answers only requests for 127.0.0.1 or localhost" : "cross-origin requests are refused"));
        }
        return;
      }
      handler.handle(exchange);
    };
  }
}
