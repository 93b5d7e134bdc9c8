package io.modelfetch;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which network addresses downloads may connect to. A server that downloads whatever URL a user
 * pastes must not become a way into its own network (server-side request forgery): a URL, or a
 * redirect, to {@code 169.254.169.254} would fetch the cloud's credentials, one to
 * {@code 127.0.0.1} the server's own admin pages.
 *
 * <pre>{@code
 * Downloads downloads = Downloads.builder()
 *     .addressPolicy(AddressPolicy.publicOnly())                   // refuse loopback, private, link-local...
 *     .build();
 * Downloads withMirror = downloads.newBuilder()
 *     .addressPolicy(AddressPolicy.publicOnly().allowing("10.1.2.0/24"))  // ...but one internal mirror
 *     .build();
 * }</pre>
 *
 * <p>The policy is checked after DNS resolution on every connection the library opens: the data
 * path connects to exactly the address that was checked (a second lookup cannot return another,
 * so DNS rebinding does not get past it), and every redirect hop is a new check. API calls of the
 * sources go through the JDK's {@code HttpClient}, which resolves by itself: the library resolves
 * and checks before each request and each redirect hop, and the client's own lookup then answers
 * from the JVM's address cache (30 s by default). The aria2 backend checks the URL it hands to
 * aria2c. All addresses a host resolves to must be allowed. A refused connection fails the
 * download with {@link DownloadException.Kind#INVALID_REQUEST}, without retries.
 *
 * <p>Default: {@link #allowAll()}. Through a proxy the proxy is trusted (it is the operator's own
 * choice), and the target's name is still resolved and checked locally.
 */
public final class AddressPolicy {
  private static final AddressPolicy ALLOW_ALL = new AddressPolicy(false, List.of());

  private final boolean publicOnly;
  private final List<byte[][]> allowed;

  private AddressPolicy(boolean publicOnly, List<byte[][]> allowed) {
    this.publicOnly = publicOnly;
    this.allowed = List.copyOf(allowed);
  }

  /** Every address (the default). */
  public static AddressPolicy allowAll() {
    return ALLOW_ALL;
  }

  /**
   * Public unicast addresses only: refuses loopback, private (RFC 1918, carrier-grade NAT, IPv6
   * unique local), link-local (169.254.0.0/16, where clouds answer metadata requests; fe80::/10),
   * multicast, broadcast, unspecified and reserved addresses, and the same behind IPv4-mapped,
   * IPv4-compatible, NAT64 and 6to4 IPv6 forms.
   */
  public static AddressPolicy publicOnly() {
    return new AddressPolicy(true, List.of());
  }

  /**
   * This policy, also allowing one network in CIDR notation ({@code 10.1.2.0/24},
   * {@code 192.168.1.5}, {@code fd00::/8}).
   *
   * @throws IllegalArgumentException if {@code cidr} is not an IP address with an optional prefix length
   */
  public AddressPolicy allowing(String cidr) {
    Objects.requireNonNull(cidr, "cidr");
    String[] parts = cidr.strip().split("/", 2);
    byte[] network;
    try {
      // a literal only (no lookup): dotted IPv4, or IPv6 with colons
      if (!parts[0].matches("\\d{1,3}(\\.\\d{1,3}){3}|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
        throw new UnknownHostException(parts[0]);
      }
      network = InetAddress.getByName(parts[0]).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("allowing: '" + cidr + "' is not an IP address or CIDR network such as 10.1.2.0/24");
    }
    int bits = network.length * 8;
    int prefix;
    try {
      prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : bits;
    } catch (NumberFormatException e) {
      prefix = -1;
    }
    if (prefix < 0 || prefix > bits) {
      throw new IllegalArgumentException("allowing: prefix length of '" + cidr + "' must be 0.." + bits);
    }
    List<byte[][]> more = new ArrayList<>(allowed);
    more.add(new byte[][] {network, {(byte) prefix}});
    return new AddressPolicy(publicOnly, more);
  }

  /** Whether every address is allowed (nothing to check). */
  public boolean allowsAll() {
    return !publicOnly;
  }

  /** Whether a connection to {@code address} is allowed. */
  public boolean allows(InetAddress address) {
    return refusal(address) == null;
  }

  /**
   * The host's addresses, resolved now, after checking that every one is allowed; connect to one
   * of these (not to the name again) so that the address checked is the address used.
   *
   * @throws Refused if any address is refused
   * @throws UnknownHostException if the name does not resolve
   */
  public InetAddress[] resolve(String host) throws IOException {
    InetAddress[] addresses = InetAddress.getAllByName(host);
    for (InetAddress a : addresses) {
      String why = refusal(a);
      if (why != null) {
        throw new Refused(host, a, why);
      }
    }
    return addresses;
  }

  /** The socket address to connect to for {@code host:port}, resolved and checked (see {@link #resolve}). */
  public InetSocketAddress socketAddress(String host, int port) throws IOException {
    if (allowsAll()) {
      return new InetSocketAddress(host, port);
    }
    return new InetSocketAddress(resolve(host)[0], port);
  }

  /** Resolves and checks the host of an http(s) URL (see {@link #resolve}); nothing to do when all is allowed. */
  public void check(URI uri) throws IOException {
    if (!allowsAll() && uri.getHost() != null) {
      String host = uri.getHost();
      resolve(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
    }
  }

  /** Why {@code address} is refused ("loopback", "private", ...), or {@code null} when it is allowed. */
  String refusal(InetAddress address) {
    if (!publicOnly) {
      return null;
    }
    byte[] b = address.getAddress();
    for (byte[][] network : allowed) {
      if (matches(b, network[0], network[1][0])) {
        return null;
      }
    }
    if (address instanceof Inet4Address) {
      return ipv4Refusal(b, 0);
    }
    Inet6Address v6 = (Inet6Address) address;
    if (b[0] == 0x20 && b[1] == 0x02) {
      return ipv4Refusal(b, 2); // 6to4: 2002:AABB:CCDD::/48 carries the IPv4 address AA.BB.CC.DD
    }
    boolean firstTenZero = true;
    for (int i = 0; i < 10; i++) {
      firstTenZero &= b[i] == 0;
    }
    if (firstTenZero && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
      return ipv4Refusal(b, 12); // IPv4-mapped ::ffff:a.b.c.d
    }
    if (v6.isIPv4CompatibleAddress() && !v6.isLoopbackAddress() && !v6.isAnyLocalAddress()) {
      return ipv4Refusal(b, 12); // deprecated IPv4-compatible ::a.b.c.d
    }
    if ((b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
      return ipv4Refusal(b, 12); // NAT64 64:ff9b::a.b.c.d
    }
    if (v6.isLoopbackAddress()) {
      return "loopback";
    }
    if (v6.isAnyLocalAddress()) {
      return "unspecified";
    }
    if (v6.isLinkLocalAddress()) {
      return "link-local";
    }
    if (v6.isSiteLocalAddress() || (b[0] & 0xfe) == 0xfc) {
      return "private"; // fec0::/10 site-local, fc00::/7 unique local
    }
    if (v6.isMulticastAddress()) {
      return "multicast";
    }
    return null;
  }

  private static String ipv4Refusal(byte[] b, int at) {
    int a0 = b[at] & 0xff;
    int a1 = b[at + 1] & 0xff;
    int a2 = b[at + 2] & 0xff;
    if (a0 == 127) {
      return "loopback";
    }
    if (a0 == 10 || (a0 == 172 && (a1 & 0xf0) == 16) || (a0 == 192 && a1 == 168)) {
      return "private";
    }
    if (a0 == 100 && (a1 & 0xc0) == 64) {
      return "private"; // 100.64.0.0/10, carrier-grade NAT
    }
    if (a0 == 169 && a1 == 254) {
      return "link-local";
    }
    if (a0 == 0) {
      return "unspecified";
    }
    if (a0 >= 224 && a0 <= 239) {
      return "multicast";
    }
    if (a0 >= 240) {
      return "reserved"; // 240.0.0.0/4 and the broadcast address
    }
    if ((a0 == 192 && a1 == 0 && a2 == 0) || (a0 == 198 && (a1 & 0xfe) == 18)) {
      return "reserved"; // 192.0.0.0/24 IETF assignments, 198.18.0.0/15 benchmarking
    }
    return null;
  }

  private static boolean matches(byte[] address, byte[] network, int prefix) {
    if (address.length != network.length) {
      return false;
    }
    for (int bit = 0; bit < prefix; bit++) {
      int mask = 0x80 >>> (bit % 8);
      if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return publicOnly ? "AddressPolicy.publicOnly()" + (allowed.isEmpty() ? "" : " + " + allowed.size() + " allowed networks")
        : "AddressPolicy.allowAll()";
  }

  /**
   * A connection the policy refused. An {@link IOException} so that it leaves the HTTP code where
   * connections are opened; the engine turns it into a {@link DownloadException} without retrying.
   */
  public static final class Refused extends IOException {
    private static final long serialVersionUID = 1L;

    Refused(String host, InetAddress address, String why) {
      super("refused to connect to " + host + (host.equals(address.getHostAddress()) ? "" : " (" + address.getHostAddress() + ")")
          + ": " + (why.matches("[aeiou].*") ? "an " : "a ") + why + " address, and this downloader only connects to public addresses (its address policy"
          + " guards the network it runs in); allow the address or network to download from it");
    }
  }
}
