package io.modelfetch.cli;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.DownloadedFile;
import io.modelfetch.Downloads;
import io.modelfetch.huggingface.HuggingFaceResolver;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The {@code modelfetch} command.
 *
 * <p>Its options are declared with picocli's programmatic API rather than annotations: reading
 * annotations makes the JDK generate a proxy class per annotation type and parse every annotated
 * member, ~55 ms of a ~200 ms start (findings §11), and every download pays for the start.
 */
public final class Main implements Callable<Integer> {
  private final CommandSpec spec = CommandSpec.wrapWithoutInspection(this);
  // 0..* rather than 1..*: picocli checks a parent's required parameters even when a subcommand runs
  private final PositionalParamSpec urlsArg = Options.add(spec, PositionalParamSpec.builder().index("0..*")
      .arity("0..*").paramLabel("URL").type(List.class).auxiliaryTypes(String.class)
      .description("URLs or source URNs to download"));
  private final OptionSpec outputOpt = Options.add(spec, Options.valued(Path.class, "DIR",
      "target folder (default: current folder)", "-o", "--output"));
  private final OptionSpec connectionsOpt = Options.add(spec, Options.valued(Integer.class, "N",
      "connections per file, 1..64 (default: 16)", "-x", "--connections"));
  private final OptionSpec sha256Opt = Options.add(spec, Options.valued(String.class, "HEX",
      "expected SHA-256 (single URL only)", "--sha256"));
  private final OptionSpec backendOpt = Options.add(spec, Options.valued(String.class, "NAME",
      "auto (default), jdk or aria2", "--backend"));
  private final OptionSpec caFileOpt = Options.add(spec, Options.caFile());
  private final OptionSpec tlsOpt = Options.add(spec, Options.valued(String.class, "PROVIDER",
      "TLS implementation: auto (default: Conscrypt where it loads, else the JDK's), conscrypt or jdk", "--tls"));
  private final OptionSpec overwriteOpt = Options.add(spec, Options.flag(
      "replace a different existing file (only once the new one is verified)", "--overwrite"));
  private final OptionSpec noSidecarsOpt = Options.add(spec, Options.flag(
      "do not write metadata/preview files beside models", "--no-sidecars"));
  private final OptionSpec quietOpt = Options.add(spec, Options.flag("no progress line", "-q", "--quiet"));
  private final OptionSpec warmUpOpt = Options.add(spec, Options.flag(
      "download from a loopback server and exit (used by the launcher)", "--warm-up").hidden(true));
  private final OptionSpec optionOpt = Options.add(spec, OptionSpec.builder("-O", "--option").paramLabel("KEY=VALUE")
      .type(Map.class).auxiliaryTypes(String.class, String.class)
      .description("a source option, e.g. civitai.fileId=123, civitai.format=SafeTensor, civitai.a1111Json=true; "
          + "repeatable"));
  private final OptionSpec includeOpt = Options.add(spec, Options.repeatable("GLOB",
      "Hugging Face repository: only files matching GLOB ('*' also matches '/'); repeatable", "--include"));
  private final OptionSpec excludeOpt = Options.add(spec, Options.repeatable("GLOB",
      "Hugging Face repository: leave out files matching GLOB ('dir/' = the folder); repeatable", "--exclude"));
  private final OptionSpec revisionOpt = Options.add(spec, Options.valued(String.class, "REV",
      "Hugging Face branch, tag or commit when the URL names none (default: main)", "--revision"));
  private final OptionSpec hfCacheOpt = Options.add(spec, Options.flag("write into the Hugging Face cache "
      + "(HF_HUB_CACHE, else $HF_HOME/hub) so transformers/diffusers find the files offline", "--hf-cache"));
  private final OptionSpec hfCacheDirOpt = Options.add(spec, Options.valued(Path.class, "DIR",
      "write into this Hugging Face hub cache folder", "--hf-cache-dir"));

  private List<String> urls;
  private Path output;
  private Integer connections;
  private String sha256;
  private String backend;
  private Path caFile;
  private String tls;
  private boolean overwrite;
  private boolean noSidecars;
  private boolean quiet;
  private Map<String, String> options;
  private List<String> include;
  private List<String> exclude;
  private String revision;
  private boolean hfCache;
  private Path hfCacheDir;

  public static void main(String[] args) {
    Preload.start(args);
    int status = run(args, System.out, System.err);
    stopHttpClientSelectors();
    System.exit(status);
  }

  /**
   * JDK 17 holds the exit ~300 ms for each thread blocked in native code, and a
   * {@code java.net.http.HttpClient} (the API calls, the aria2 backend's RPC) keeps its selector
   * thread blocked in one; the client has no {@code close()} before JDK 21, but its selector thread
   * ends when interrupted. Measured: a download through the aria2 backend exited 0.32 s after its
   * last line of work, now ~10 ms.
   */
  private static void stopHttpClientSelectors() {
    ThreadGroup root = Thread.currentThread().getThreadGroup();
    while (root.getParent() != null) {
      root = root.getParent();
    }
    Thread[] threads = new Thread[root.activeCount() + 16];
    int n = root.enumerate(threads);
    for (int i = 0; i < n; i++) {
      Thread t = threads[i];
      if (t.getName().startsWith("HttpClient-") && t.getName().endsWith("-SelectorManager")) {
        t.interrupt();
        try {
          t.join(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, out, err, null);
  }

  /** Runs with {@code environment} as the library's environment instead of the process's (for tests). */
  static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> environment) {
    CommandLine cmd = new CommandLine(new Main(out, err, environment).spec);
    cmd.addSubcommand("identify", new IdentifyCommand(out, err, environment).spec());
    cmd.addSubcommand("serve", new ServeCommand(out, err, environment).spec());
    cmd.setOut(new java.io.PrintWriter(out, true));
    cmd.setErr(new java.io.PrintWriter(err, true));
    return cmd.execute(args);
  }

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> environment;

  Main(PrintStream out, PrintStream err, Map<String, String> environment) {
    this.out = out;
    this.err = err;
    this.environment = environment;
    spec.name("modelfetch").versionProvider(new Version());
    spec.usageMessage().sortOptions(false)
        .description("Downloads model files from CivitAI, Hugging Face and plain URLs: fast (many connections), "
            + "resumable (run the same command again after a failure) and verified (SHA-256).")
        .footer("", "Tokens: CIVITAI_TOKEN, HF_TOKEN (or ~/.cache/huggingface/token).",
            "Endpoints: CIVITAI_ENDPOINT, HF_ENDPOINT.",
            "Hugging Face: a repository URL (https://huggingface.co/ORG/NAME or hf://ORG/NAME) downloads every "
                + "file; --include/--exclude select files, --hf-cache writes the layout transformers and diffusers "
                + "read.",
            "Exit codes: 0 ok, 1 failed, 2 usage, 3 not found, 4 authentication required, 5 access denied, "
                + "6 rate limited / quota, 7 checksum mismatch, 8 insufficient space, 9 file exists, 10 network, "
                + "11 unexpected response, 12 unsupported source, 130 cancelled.");
    Options.addHelp(spec);
  }

  @Override
  public Integer call() throws java.io.IOException {
    if (Boolean.TRUE.equals(warmUpOpt.getValue())) {
      return WarmUp.run();
    }
    readOptions();
    if (urls.isEmpty()) {
      err.println("modelfetch: missing URL; see modelfetch --help");
      return 2;
    }
    if (sha256 != null && urls.size() > 1) {
      err.println("modelfetch: --sha256 applies to one URL; give one URL per command when checking hashes");
      return 2;
    }
    Downloads.Builder builder = Downloads.builder().sidecars(!noSidecars);
    if (environment != null) {
      builder.environment(environment);
    }
    if (connections != null) {
      builder.connectionsPerFile(connections).maxConnections(Math.max(connections, 16));
    }
    if (backend != null) {
      builder.defaultBackend(backend);
    }
    try {
      if (!tls.equals("auto") || TlsProviders.mayNeedTls(urls)) {
        TlsProviders.forChoice(tls).ifPresent(builder::tlsProvider);
      }
    } catch (IllegalArgumentException e) {
      err.println("modelfetch: " + e.getMessage());
      return 2;
    }
    if (caFile != null) {
      if (!Files.isReadable(caFile)) {
        err.println("modelfetch: cannot read the CA file " + caFile);
        return 2;
      }
      builder.trustCertificates(caFile);
    }
    ProgressLine progress = quiet ? null : new ProgressLine(err, System.console() != null);
    if (progress != null) {
      builder.listener(progress);
    }
    int status = 0;
    try (Downloads downloads = builder.build()) {
      Thread hook = new Thread(downloads::close, "modelfetch-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      for (String url : urls) {
        DownloadRequest request = DownloadRequest.of(url).into(output == null ? Path.of("") : output)
            .overwrite(overwrite);
        if (sha256 != null) {
          request = request.sha256(sha256);
        }
        request = withHuggingFaceOptions(request);
        for (Map.Entry<String, String> o : options.entrySet()) {
          request = request.option(o.getKey(), o.getValue());
        }
        try {
          DownloadResult result = downloads.download(request);
          if (progress != null) {
            progress.clear();
            err.println(summary(result));
          }
          for (DownloadedFile f : result.files()) {
            out.println(f.path());
          }
        } catch (DownloadException e) {
          if (progress != null) {
            progress.clear();
          }
          err.println("modelfetch: " + e.getMessage());
          status = status == 0 ? ExitCodes.of(e.kind()) : status;
        }
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is already running
      }
    } catch (IllegalArgumentException e) {
      err.println("modelfetch: " + e.getMessage());
      return 2;
    }
    return status;
  }

  private void readOptions() {
    urls = Options.valueOr(urlsArg, List.of());
    output = outputOpt.getValue();
    connections = connectionsOpt.getValue();
    sha256 = sha256Opt.getValue();
    backend = backendOpt.getValue();
    caFile = caFileOpt.getValue();
    tls = Options.valueOr(tlsOpt, "auto");
    overwrite = Options.valueOr(overwriteOpt, false);
    noSidecars = Options.valueOr(noSidecarsOpt, false);
    quiet = Options.valueOr(quietOpt, false);
    options = Options.valueOr(optionOpt, Map.of());
    include = Options.valueOr(includeOpt, List.of());
    exclude = Options.valueOr(excludeOpt, List.of());
    revision = revisionOpt.getValue();
    hfCache = Options.valueOr(hfCacheOpt, false);
    hfCacheDir = hfCacheDirOpt.getValue();
  }

  /** {@code downloaded 4.0 GiB in 35.2 s (116 MiB/s)}, or that everything was already there. */
  static String summary(DownloadResult result) {
    long present = result.files().stream().filter(f -> f.status() == DownloadedFile.Status.ALREADY_PRESENT).count();
    if (present == result.files().size()) {
      return present == 1 ? "already here: nothing to download" : "all " + present + " files already here: nothing to download";
    }
    double seconds = Math.max(result.elapsed().toNanos(), 1) / 1e9;
    String text = "downloaded " + io.modelfetch.internal.Sizes.human(result.bytesTransferred()) + " in "
        + String.format(java.util.Locale.ROOT, "%.1f s", seconds) + " ("
        + io.modelfetch.internal.Sizes.human((long) (result.bytesTransferred() / seconds)) + "/s)";
    return present == 0 ? text : text + "; " + present + (present == 1 ? " file was" : " files were") + " already here";
  }

  private DownloadRequest withHuggingFaceOptions(DownloadRequest request) {
    if (!include.isEmpty()) {
      request = request.option(HuggingFaceResolver.OPTION_INCLUDE, String.join(",", include));
    }
    if (!exclude.isEmpty()) {
      request = request.option(HuggingFaceResolver.OPTION_EXCLUDE, String.join(",", exclude));
    }
    if (revision != null) {
      request = request.option(HuggingFaceResolver.OPTION_REVISION, revision);
    }
    if (hfCache) {
      request = request.option(HuggingFaceResolver.OPTION_CACHE, "true");
    }
    if (hfCacheDir != null) {
      request = request.option(HuggingFaceResolver.OPTION_CACHE_DIR, hfCacheDir.toAbsolutePath().toString());
    }
    return request;
  }

  /** Prints the library version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"modelfetch " + Downloads.version()};
    }
  }
}
