package io.modelfetch.testing;

import io.modelfetch.testing.FakeOrigin.Reply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ObjLongConsumer;

/** HTTP/1.1 as the fake origin speaks it on a socket: request heads in, complete replies out. */
final class HttpWire {
  private static final int MAX_HEAD = 64 * 1024;

  private HttpWire() {
  }

  /** The next request head up to and including its blank line; null when the client closed the connection. */
  static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int state = 0;
    while (true) {
      int b;
      try {
        b = in.read();
      } catch (SocketException e) {
        return null;
      }
      if (b < 0) {
        return null;
      }
      buf.write(b);
      if (buf.size() > MAX_HEAD) {
        throw new IOException("request head too large");
      }
      state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
          ? state + 1 : (b == '\r' ? 1 : 0);
      if (state == 4) {
        return buf.toString(StandardCharsets.ISO_8859_1);
      }
    }
  }

  static RecordedRequest parse(String head, int connection, long receivedNanos) {
    String[] lines = head.split("\r\n");
    String[] first = lines[0].split(" ");
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.computeIfAbsent(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
            .add(lines[i].substring(colon + 1).strip());
      }
    }
    String host = headers.getOrDefault("host", List.of("")).get(0);
    int colon = host.lastIndexOf(':');
    String hostName = colon > 0 && !host.endsWith("]") ? host.substring(0, colon) : host;
    return new RecordedRequest(hostName, first[0], first.length > 1 ? first[1] : "/", headers, connection,
        receivedNanos);
  }

  /**
   * Writes {@code reply} with a Content-Length unless it sets its own; the body, counted by
   * {@code served}, is left out for a HEAD request.
   */
  static void writeReply(OutputStream out, Reply reply, RecordedRequest request,
      ObjLongConsumer<RecordedRequest> served) throws IOException {
    StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(reply.status()).append(' ').append(reason(reply.status()))
        .append("\r\n");
    reply.headers().forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
    if (!reply.headers().containsKey("Content-Length") && !reply.headers().containsKey("Transfer-Encoding")) {
      sb.append("Content-Length: ").append(reply.body().length).append("\r\n");
    }
    sb.append("\r\n");
    out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (!request.method().equals("HEAD")) {
      out.write(reply.body());
      served.accept(request, reply.body().length);
    }
    out.flush();
  }

  private static String reason(int status) {
    switch (status) {
      case 200: return "OK";
      case 206: return "Partial Content";
      case 301: return "Moved Permanently";
      case 302: return "Found";
      case 307: return "Temporary Redirect";
      case 308: return "Permanent Redirect";
      case 401: return "Unauthorized";
      case 403: return "Forbidden";
      case 404: return "Not Found";
      case 410: return "Gone";
      case 416: return "Range Not Satisfiable";
      case 429: return "Too Many Requests";
      case 500: return "Internal Server Error";
      case 502: return "Bad Gateway";
      case 503: return "Service Unavailable";
      case 504: return "Gateway Timeout";
      default: return "Status";
    }
  }
}
