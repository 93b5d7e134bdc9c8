package io.modelfetch.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An HTTP proxy that only tunnels ({@code CONNECT}) to loopback ports, and records each request line. */
public final class ConnectProxy implements AutoCloseable {
  /** The first line of every request, in order ({@code CONNECT localhost:PORT HTTP/1.1}). */
  public final List<String> requestLines = new CopyOnWriteArrayList<>();
  private final ServerSocket server = new ServerSocket();

  public ConnectProxy() throws IOException {
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    daemon(this::accept);
  }

  public int port() {
    return server.getLocalPort();
  }

  /** A {@link ProxySelector} that sends every request through this proxy. */
  public ProxySelector selector() {
    Proxy proxy = new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", port()));
    return new ProxySelector() {
      @Override
      public List<Proxy> select(URI uri) {
        return List.of(proxy);
      }

      @Override
      public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
      }
    };
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        daemon(() -> tunnel(client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void tunnel(Socket client) {
    try (client) {
      InputStream in = client.getInputStream();
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          return;
        }
        head.write(b);
      }
      String line = head.toString(StandardCharsets.ISO_8859_1).split("\r\n")[0];
      requestLines.add(line);
      String[] parts = line.split(" ");
      OutputStream out = client.getOutputStream();
      if (!parts[0].equals("CONNECT")) {
        out.write("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return;
      }
      int port = Integer.parseInt(parts[1].substring(parts[1].lastIndexOf(':') + 1));
      try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), port)) {
        out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        Thread back = daemon(() -> pump(upstream, client));
        pump(client, upstream);
        back.join(1000);
      }
    } catch (IOException | InterruptedException e) {
      // a tunnel ends when either side closes
    }
  }

  private static void pump(Socket from, Socket to) {
    try {
      from.getInputStream().transferTo(to.getOutputStream());
    } catch (IOException ignored) {
      // closed
    } finally {
      try {
        to.shutdownOutput();
      } catch (IOException ignored) {
        // closed
      }
    }
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "connect-proxy");
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
