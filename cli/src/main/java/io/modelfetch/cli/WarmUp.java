package io.modelfetch.cli;

import com.sun.net.httpserver.HttpServer;
import io.modelfetch.DownloadRequest;
import io.modelfetch.Downloads;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Provider;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A download from a throwaway loopback server, run once by the {@code ./modelfetch} launcher after a
 * build with {@code -XX:DumpLoadedClassList}: it loads the classes a real download needs, so the
 * static class-data archive made from that list, which makes every later start faster, covers them.
 */
final class WarmUp {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");
  private static final int SIZE = 8 << 20;

  private WarmUp() {
  }

  /**
   * Sets up TLS as an https download would, with Conscrypt and with the JDK, up to a client hello,
   * so that its classes are in the archive too (there is no server to finish a handshake with).
   */
  private static void loadTlsClasses() {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init((KeyStore) null);
      List<Optional<Provider>> providers = List.of(TlsProviders.forChoice("auto"), Optional.empty());
      for (Optional<Provider> provider : providers) {
        SSLContext tls = provider.isPresent() ? SSLContext.getInstance("TLS", provider.get())
            : SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket()) {
          socket.getSSLParameters();
        }
        SSLEngine engine = tls.createSSLEngine("localhost", 443);
        engine.setUseClientMode(true);
        engine.beginHandshake();
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
      }
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      System.err.println("modelfetch: warm-up without TLS classes: " + e);
    }
  }

  /**
   * A GET and a POST through the JDK's {@code HttpClient}, which the API calls (CivitAI, Hugging
   * Face) and the aria2 backend's RPC use: built and used cold, it took 300-400 ms, most of it
   * loading classes a direct download never needs.
   */
  private static void loadControlPlaneClasses(URI url) {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .proxy(HttpClient.Builder.NO_PROXY).followRedirects(HttpClient.Redirect.NEVER).build();
    try {
      client.send(HttpRequest.newBuilder(url).header("Range", "bytes=0-0").build(), HttpResponse.BodyHandlers.ofString());
      client.send(HttpRequest.newBuilder(url).header("Range", "bytes=0-0").header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofInputStream())
          .body().close();
    } catch (IOException | RuntimeException e) {
      System.err.println("modelfetch: warm-up without the API client's classes: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static int run() throws IOException {
    byte[] data = new byte[SIZE];
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/warm-up.bin", exchange -> {
      String range = exchange.getRequestHeaders().getFirst("Range");
      Matcher m = range == null ? null : RANGE.matcher(range);
      int first = 0;
      int last = SIZE - 1;
      if (m != null && m.matches()) {
        first = Integer.parseInt(m.group(1));
        last = Math.min(SIZE - 1, Integer.parseInt(m.group(2)));
        exchange.getResponseHeaders().add("Content-Range", "bytes " + first + "-" + last + "/" + SIZE);
        exchange.sendResponseHeaders(206, last - first + 1);
      } else {
        exchange.sendResponseHeaders(200, SIZE);
      }
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(data, first, last - first + 1);
      }
    });
    server.start();
    Path dir = Files.createTempDirectory("modelfetch-warm-up");
    try (Downloads downloads = Downloads.builder().connectionsPerFile(4).build()) {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/warm-up.bin";
      downloads.download(DownloadRequest.of(url).into(dir));
      loadControlPlaneClasses(URI.create(url));
      loadTlsClasses();
      return 0;
    } catch (io.modelfetch.DownloadException e) {
      System.err.println("modelfetch: warm-up download failed: " + e.getMessage());
      return 1;
    } finally {
      server.stop(0);
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
