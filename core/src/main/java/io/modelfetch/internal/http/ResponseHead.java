package io.modelfetch.internal.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalLong;

/**
 * A parsed status line and header block. Parsing is strict where sloppiness could corrupt a file
 * (status code, Content-Length) and bounded everywhere (head size, field count).
 */
final class ResponseHead {
  private final int minorVersion;
  private final int status;
  private final String reason;
  private final Headers headers;

  private ResponseHead(int minorVersion, int status, String reason, Headers headers) {
    this.minorVersion = minorVersion;
    this.status = status;
    this.reason = reason;
    this.headers = headers;
  }

  static ResponseHead parse(byte[] head) throws ProtocolException {
    String text = new String(head, StandardCharsets.ISO_8859_1);
    String[] lines = text.split("\r?\n");
    if (lines.length == 0) {
      throw new ProtocolException("empty response head");
    }
    String statusLine = lines[0];
    if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
      throw new ProtocolException("not an HTTP/1.x status line: " + printable(statusLine));
    }
    char minor = statusLine.charAt(7);
    if (minor != '0' && minor != '1') {
      throw new ProtocolException("unsupported HTTP version in: " + printable(statusLine));
    }
    String code = statusLine.substring(9, 12);
    if (!code.chars().allMatch(Character::isDigit) || (statusLine.length() > 12 && statusLine.charAt(12) != ' ')) {
      throw new ProtocolException("bad status code in: " + printable(statusLine));
    }
    int status = Integer.parseInt(code);
    String reason = statusLine.length() > 13 ? statusLine.substring(13) : "";
    Headers headers = new Headers();
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      if (line.isEmpty()) {
        continue;
      }
      if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
        throw new ProtocolException("obsolete header line folding is not accepted");
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new ProtocolException("malformed header line: " + printable(line));
      }
      String name = line.substring(0, colon);
      if (!name.chars().allMatch(ResponseHead::isTokenChar)) {
        throw new ProtocolException("malformed header name: " + printable(name));
      }
      headers.add(name, line.substring(colon + 1).strip());
      if (headers.size() > HttpConnection.MAX_HEADER_FIELDS) {
        throw new ProtocolException("more than " + HttpConnection.MAX_HEADER_FIELDS + " header fields");
      }
    }
    return new ResponseHead(minor - '0', status, reason, headers);
  }

  private static boolean isTokenChar(int c) {
    return c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
  }

  private static String printable(String s) {
    String cut = s.length() > 120 ? s.substring(0, 120) + "..." : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }

  public int status() {
    return status;
  }

  public String reason() {
    return reason;
  }

  public Headers headers() {
    return headers;
  }

  public boolean isHttp10() {
    return minorVersion == 0;
  }

  /**
   * The Content-Length, strictly: digits only, and several fields must agree.
   *
   * @throws ProtocolException for a malformed or conflicting value
   */
  public OptionalLong contentLength() throws ProtocolException {
    List<String> values = headers.all("Content-Length");
    if (values.isEmpty()) {
      return OptionalLong.empty();
    }
    long result = -1;
    for (String value : values) {
      for (String part : value.split(",")) {
        String v = part.strip();
        if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(Character::isDigit)) {
          throw new ProtocolException("malformed Content-Length: " + printable(value));
        }
        long n = Long.parseLong(v);
        if (result != -1 && n != result) {
          throw new ProtocolException("conflicting Content-Length values: " + printable(String.join(", ", values)));
        }
        result = n;
      }
    }
    return OptionalLong.of(result);
  }

  /** Whether the body is chunked (Transfer-Encoding's last coding is chunked). */
  public boolean chunked() throws ProtocolException {
    List<String> values = headers.all("Transfer-Encoding");
    if (values.isEmpty()) {
      return false;
    }
    String last = values.get(values.size() - 1);
    String[] codings = last.split(",");
    String final_ = codings[codings.length - 1].strip();
    if (!final_.equalsIgnoreCase("chunked")) {
      throw new ProtocolException("unsupported Transfer-Encoding: " + printable(last));
    }
    return true;
  }

  /** Whether the connection may carry another request after this response. */
  public boolean keepAlive() {
    if (headers.hasToken("Connection", "close")) {
      return false;
    }
    return !isHttp10() || headers.hasToken("Connection", "keep-alive");
  }

  @Override
  public String toString() {
    return "HTTP/1." + minorVersion + " " + status + " " + reason;
  }
}
