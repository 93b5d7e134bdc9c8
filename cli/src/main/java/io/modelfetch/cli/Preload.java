package io.modelfetch.cli;

import io.modelfetch.spi.DownloadBackend;
import io.modelfetch.spi.SourceResolver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.ServiceLoader;
import javax.net.ssl.TrustManagerFactory;

/**
 * Loads and initialises the engine's classes on a second thread while the main one parses the
 * command line, so that on two cores the engine's set-up (and the TLS provider's, when an https
 * URL is given) happens meanwhile instead of after.
 */
final class Preload {
  private static final List<String> ENGINE = List.of(
      "io.modelfetch.internal.Engine", "io.modelfetch.internal.DownloadTask", "io.modelfetch.internal.FileJob",
      "io.modelfetch.internal.Probe", "io.modelfetch.internal.http.DataClient",
      "io.modelfetch.internal.http.HttpConnection", "io.modelfetch.internal.http.Response",
      "io.modelfetch.internal.jdk.SegmentedTransfer", "io.modelfetch.internal.jdk.RangeWorker",
      "io.modelfetch.internal.jdk.Scheduler", "io.modelfetch.internal.file.ControlFile",
      "io.modelfetch.internal.file.TargetLock");
  /**
   * JDK classes picocli looks up for its built-in converters whenever a command line is made; the
   * java.time ones build date formatters as they initialise (~8 ms on the main thread otherwise).
   */
  private static final List<String> PICOCLI_CONVERTED = List.of(
      "java.time.Duration", "java.time.Instant", "java.time.LocalDate", "java.time.LocalDateTime",
      "java.time.LocalTime", "java.time.MonthDay", "java.time.OffsetDateTime", "java.time.OffsetTime",
      "java.time.Period", "java.time.Year", "java.time.YearMonth", "java.time.ZonedDateTime", "java.time.ZoneId",
      "java.time.ZoneOffset", "java.sql.Time", "java.sql.Timestamp", "java.sql.Connection", "java.sql.Driver");

  private Preload() {
  }

  static void start(String[] args) {
    Thread t = new Thread(() -> run(args), "modelfetch-preload");
    t.setDaemon(true);
    t.start();
  }

  private static void run(String[] args) {
    initialise(PICOCLI_CONVERTED);
    boolean tls = TlsProviders.mayNeedTls(List.of(args));
    if (tls) {
      TlsProviders.startLoading(); // on the common pool
    }
    lookUpHosts(args);
    if (tls) {
      warmTrustStore();
    }
    initialise(ENGINE);
    ClassLoader loader = Preload.class.getClassLoader();
    ServiceLoader.load(SourceResolver.class, loader).stream().forEach(ServiceLoader.Provider::type);
    ServiceLoader.load(DownloadBackend.class, loader).stream().forEach(ServiceLoader.Provider::type);
  }

  private static void initialise(List<String> classes) {
    ClassLoader loader = Preload.class.getClassLoader();
    for (String name : classes) {
      try {
        Class.forName(name, true, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        // only a head start: the main thread loads what it needs anyway
      }
    }
  }

  /**
   * Looks up the hosts of the URLs given, which the JDK caches (30 s) for the connections made
   * next, so that on a real network the DNS round trip happens while the command line is parsed.
   * Hosts the JVM would reach through a proxy are left to the proxy.
   */
  private static void lookUpHosts(String[] args) {
    for (String arg : args) {
      if (!arg.startsWith("http://") && !arg.startsWith("https://")) {
        continue;
      }
      try {
        URI uri = new URI(arg);
        if (uri.getHost() != null && ProxySelector.getDefault().select(uri).stream()
            .allMatch(p -> p.type() == Proxy.Type.DIRECT)) {
          InetAddress.getAllByName(uri.getHost());
        }
      } catch (URISyntaxException | IOException | RuntimeException e) {
        // the main thread reports a bad URL or an unknown host
      }
    }
  }

  /**
   * Loads the JDK's CA certificates (~140 parsed, ~0.1 s in a fresh JVM), which the JDK keeps for
   * the TLS context the main thread builds next.
   */
  private static void warmTrustStore() {
    try {
      TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm()).init((KeyStore) null);
    } catch (GeneralSecurityException e) {
      // only a head start: the main thread reports what is wrong
    }
  }
}
