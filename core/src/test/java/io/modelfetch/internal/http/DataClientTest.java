package io.modelfetch.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DataClientTest {
  private final DataClient client = new DataClient(DataClientTest::defaultTls, null,
      Duration.ofSeconds(5), Duration.ofSeconds(5), "modelfetch/test");

  @AfterEach
  void close() {
    client.close();
  }

  @Test
  void reusesAKeepAliveConnection() throws Exception {
    try (CannedServer server = new CannedServer(h -> CannedServer.bytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"))) {
      for (int i = 0; i < 3; i++) {
        try (Response r = client.get(uri(server, "/a"), Map.of())) {
          assertThat(body(r)).isEqualTo("hello");
        }
      }
      assertThat(server.connections.get()).isEqualTo(1);
      assertThat(server.heads.get(0)).startsWith("GET /a HTTP/1.1\r\n").contains("Host: 127.0.0.1:" + server.port())
          .contains("User-Agent: modelfetch/test").contains("Accept-Encoding: identity");
    }
  }

  @Test
  void doesNotReuseAConnectionTheServerCloses() throws Exception {
    try (CannedServer server = new CannedServer(h -> CannedServer.bytes(
        "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"))) {
      for (int i = 0; i < 2; i++) {
        try (Response r = client.get(uri(server, "/"), Map.of())) {
          assertThat(body(r)).isEqualTo("ok");
        }
      }
      assertThat(server.connections.get()).isEqualTo(2);
    }
  }

  @Test
  void decodesChunkedBodiesWithExtensionsAndTrailers() throws Exception {
    try (CannedServer server = new CannedServer(h -> CannedServer.bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"))) {
      try (Response r = client.get(uri(server, "/"), Map.of())) {
        assertThat(r.contentLength()).isEqualTo(-1);
        assertThat(body(r)).isEqualTo("hello world");
        assertThat(r.isComplete()).isTrue();
      }
      try (Response r = client.get(uri(server, "/"), Map.of())) {
        assertThat(body(r)).isEqualTo("hello world");
      }
      assertThat(server.connections.get()).isEqualTo(1);
    }
  }

  @Test
  void aBodyShorterThanItsLengthIsAnErrorNotAShortFile() throws Exception {
    try (CannedServer server = new CannedServer(
        h -> CannedServer.bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\nConnection: close\r\n\r\nabc"));
        Response r = client.get(uri(server, "/"), Map.of())) {
      ByteBuffer buf = ByteBuffer.allocate(64);
      assertThat(r.read(buf)).isEqualTo(3);
      assertThatThrownBy(() -> r.read(buf)).isInstanceOf(EOFException.class).hasMessageContaining("7 of 10");
    }
  }

  @Test
  void aSilentServerTimesOut() throws Exception {
    try (DataClient impatient = new DataClient(DataClientTest::defaultTls, null,
        Duration.ofSeconds(5), Duration.ofMillis(300), "modelfetch/test");
        CannedServer server = new CannedServer(h -> CannedServer.bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"));
        Response r = impatient.get(uri(server, "/"), Map.of())) {
      ByteBuffer buf = ByteBuffer.allocate(64);
      assertThat(r.read(buf)).isEqualTo(3);
      assertThatThrownBy(() -> r.read(buf)).isInstanceOf(SocketTimeoutException.class).hasMessageContaining("no data");
    }
  }

  @Test
  void aServerThatClosesWithoutAnswerIsAnIoError() throws Exception {
    try (CannedServer server = new CannedServer(h -> null)) {
      assertThatThrownBy(() -> client.get(uri(server, "/"), Map.of())).isInstanceOf(IOException.class);
    }
  }

  @Test
  void rejectsMalformedResponses() throws Exception {
    for (String bad : List.of(
        "HTTP/2 200 OK\r\n\r\n",
        "HTTP/1.1 2x0 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\n folded: header\r\n\r\n",
        "HTTP/1.1 200 OK\r\nbad header\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX: " + "a".repeat(70_000) + "\r\n\r\n")) {
      try (CannedServer server = new CannedServer(h -> CannedServer.bytes(bad))) {
        assertThatThrownBy(() -> {
          try (Response r = client.get(uri(server, "/"), Map.of())) {
            r.contentLength();
          }
        }).as(bad.substring(0, Math.min(40, bad.length()))).isInstanceOf(ProtocolException.class);
      }
    }
  }

  @Test
  void followsRedirectsSendingEachHeaderOnlyToItsHost() throws Exception {
    try (CannedServer cdn = new CannedServer(h -> CannedServer.bytes("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndata"))) {
      String target = "http://localhost:" + cdn.port() + "/signed?sig=1";
      try (CannedServer api = new CannedServer(h -> CannedServer.bytes(
          "HTTP/1.1 307 Temporary Redirect\r\nLocation: " + target + "\r\nContent-Length: 0\r\n\r\n"))) {
        try (Response r = client.follow(uri(api, "/download"),
            u -> u.getHost().equals("127.0.0.1") ? Map.of("Authorization", "Bearer secret") : Map.of(),
            Map.of("Range", "bytes=0-3"))) {
          assertThat(body(r)).isEqualTo("data");
          assertThat(r.uri().toString()).isEqualTo(target);
        }
        assertThat(api.heads.get(0)).contains("Authorization: Bearer secret").contains("Range: bytes=0-3");
        assertThat(cdn.heads.get(0)).doesNotContain("Authorization").contains("Range: bytes=0-3")
            .startsWith("GET /signed?sig=1 HTTP/1.1");
      }
    }
  }

  @Test
  void refusesRedirectLoopsAndOtherSchemes() throws Exception {
    try (CannedServer loop = new CannedServer(h -> CannedServer.bytes("HTTP/1.1 302 Found\r\nLocation: /again\r\nContent-Length: 0\r\n\r\n"))) {
      assertThatThrownBy(() -> client.follow(uri(loop, "/"), u -> Map.of(), Map.of()))
          .isInstanceOf(ProtocolException.class).hasMessageContaining("redirects");
    }
    try (CannedServer ftp = new CannedServer(h -> CannedServer.bytes("HTTP/1.1 302 Found\r\nLocation: file:///etc/passwd\r\nContent-Length: 0\r\n\r\n"))) {
      assertThatThrownBy(() -> client.follow(uri(ftp, "/"), u -> Map.of(), Map.of()))
          .isInstanceOf(ProtocolException.class).hasMessageContaining("non-http");
    }
  }

  @Test
  void sendsAbsoluteFormThroughAnHttpProxy() throws Exception {
    try (CannedServer proxy = new CannedServer(h -> CannedServer.bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))) {
      ProxySelector selector = new ProxySelector() {
        @Override
        public List<Proxy> select(URI uri) {
          return List.of(new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", proxy.port())));
        }

        @Override
        public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
        }
      };
      try (DataClient viaProxy = new DataClient(DataClientTest::defaultTls, selector,
          Duration.ofSeconds(5), Duration.ofSeconds(5), "modelfetch/test");
          Response r = viaProxy.get(URI.create("http://models.example/file.bin?x=1"), Map.of())) {
        assertThat(body(r)).isEqualTo("ok");
      }
      assertThat(proxy.heads.get(0)).startsWith("GET http://models.example/file.bin?x=1 HTTP/1.1\r\n")
          .contains("Host: models.example\r\n");
    }
  }

  @Test
  void refusesHeaderInjection() throws Exception {
    try (CannedServer server = new CannedServer(h -> CannedServer.bytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))) {
      assertThatThrownBy(() -> client.get(uri(server, "/"), Map.of("X-Token", "a\r\nEvil: 1")))
          .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("Evil");
    }
  }

  private static URI uri(CannedServer server, String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  private static String body(Response r) throws IOException {
    return r.readText(1 << 20);
  }

  private static SSLContext defaultTls() {
    try {
      return SSLContext.getDefault();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
