package io.modelfetch.aria2;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.spi.BackendContext;
import io.modelfetch.spi.DownloadBackend;
import io.modelfetch.spi.Transfer;
import io.modelfetch.spi.TransferResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link DownloadBackend} named {@code aria2} that moves the bytes with
 * <a href="https://aria2.github.io/">aria2c</a>, driven over its JSON-RPC interface.
 *
 * <p>It is available when an {@code aria2c} executable answers {@code --version}: the one named
 * by the backend option {@code aria2.path}, else the first on {@code PATH}. When a download asks
 * for it and it is not available, the engine uses the built-in {@code jdk} backend and says so.
 *
 * <pre>{@code
 * try (Downloads downloads = Downloads.builder()
 *     .defaultBackend("aria2")                          // or per request: .backend("aria2")
 *     .backendOption("aria2.path", "/opt/aria2/aria2c") // optional
 *     .build()) {
 *   downloads.download(DownloadRequest.of(url).into(dir));
 * }
 * }</pre>
 *
 * <p>Each backend instance (one per {@code Downloads}) starts one {@code aria2c} daemon at its
 * first download and stops it when the {@code Downloads} closes; the daemon also stops by itself
 * when the JVM dies. It listens on loopback only, behind a random secret that, like every token,
 * never appears on its command line. It reads no user configuration ({@code aria2.conf},
 * {@code .netrc}). aria2 gets the final URL the engine resolved, with only the headers scoped to
 * that URL's host, and writes into the engine's partial file; its control file
 * ({@code NAME.part.aria2}) lets an interrupted download resume, in this process or a later one.
 *
 * <p>Backend options: {@code aria2.path} (the executable), {@code aria2.file-allocation}
 * ({@code falloc} by default; {@code trunc} or {@code prealloc} for file systems without
 * {@code fallocate}).
 */
public final class Aria2Backend implements DownloadBackend {
  /** The name to choose this backend with: {@code defaultBackend("aria2")}, {@code --backend aria2}. */
  public static final String NAME = "aria2";
  private static final Logger LOG = LoggerFactory.getLogger(Aria2Backend.class);
  /** Below the jdk backend's 0 until a benchmark shows aria2 is faster where {@code auto} is used. */
  private static final int PRIORITY = -10;

  private final Aria2Executable executable = new Aria2Executable();
  private Aria2Daemon daemon;
  private boolean closed;

  /** Used by {@link java.util.ServiceLoader}; the daemon starts only when the first file is transferred. */
  public Aria2Backend() {
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return PRIORITY;
  }

  @Override
  public boolean isAvailable(BackendContext context) {
    return executable.find(context).isPresent();
  }

  @Override
  public TransferResult transfer(Transfer transfer, BackendContext context) throws DownloadException {
    return new Aria2Transfer(transfer, context, daemon(context)).run();
  }

  /** The running daemon, started (or started again, if it died) on demand. */
  private synchronized Aria2Daemon daemon(BackendContext context) throws DownloadException {
    if (closed) {
      throw new DownloadException(Kind.CANCELLED, "the aria2 backend is closed");
    }
    if (daemon != null && daemon.isAlive()) {
      return daemon;
    }
    if (daemon != null) {
      LOG.warn("{}; starting a new one", daemon.exitDescription());
    }
    Path path = executable.find(context).orElseThrow(() -> new DownloadException(Kind.INVALID_REQUEST,
        "aria2c is not available: install aria2 (https://aria2.github.io/) or set the backend option "
            + Aria2Executable.PATH_OPTION + " to its path"));
    try {
      daemon = Aria2Daemon.start(path, globalOptions(), context.trustedCertificates());
      return daemon;
    } catch (IOException e) {
      throw new DownloadException(Kind.LOCAL_IO, "cannot start " + path + ": " + e.getMessage()
          + "; check that aria2c runs, or use the built-in backend (--backend jdk)", e);
    }
  }

  private static Map<String, String> globalOptions() {
    Map<String, String> options = new LinkedHashMap<>();
    // the engine limits how many files run at once; aria2 must not queue them behind its own limit
    options.put("max-concurrent-downloads", "1000");
    // the control file is also written every few seconds, so even a killed aria2 loses little
    options.put("auto-save-interval", "5");
    // credentials come only from the resolver, scoped to their hosts
    options.put("no-netrc", "true");
    // a file that happens to be a .torrent or .metalink is saved, never followed
    options.put("follow-torrent", "false");
    options.put("follow-metalink", "false");
    options.put("console-log-level", "warn");
    options.put("summary-interval", "0");
    options.put("show-console-readout", "false");
    options.put("enable-color", "false");
    options.put("download-result", "hide");
    return options;
  }

  /** Stops the daemon (it saves the control files of unfinished downloads first); no process is left behind. */
  @Override
  public synchronized void close() {
    closed = true;
    if (daemon != null) {
      daemon.close();
      daemon = null;
    }
  }
}
