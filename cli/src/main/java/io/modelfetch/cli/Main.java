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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code modelfetch} command. */
@Command(name = "modelfetch", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    sortOptions = false,
    description = {"Downloads model files from CivitAI, Hugging Face and plain URLs: fast (many connections),",
        "resumable (run the same command again after a failure) and verified (SHA-256)."},
    footer = {"", "Tokens: CIVITAI_TOKEN, HF_TOKEN (or ~/.cache/huggingface/token).",
        "Endpoints: CIVITAI_ENDPOINT, HF_ENDPOINT.",
        "Hugging Face: a repository URL (https://huggingface.co/ORG/NAME or hf://ORG/NAME) downloads every file;",
        "  --include/--exclude select files, --hf-cache writes the layout transformers and diffusers read.",
        "Exit codes: 0 ok, 1 failed, 2 usage, 3 not found, 4 authentication required, 5 access denied,",
        "6 rate limited / quota, 7 checksum mismatch, 8 insufficient space, 9 file exists, 10 network,",
        "11 unexpected response, 12 unsupported source, 130 cancelled."})
public final class Main implements Callable<Integer> {
  // 0..* rather than 1..*: picocli checks a parent's required parameters even when a subcommand runs
  @Parameters(arity = "0..*", paramLabel = "URL", description = "URLs or source URNs to download")
  List<String> urls = new ArrayList<>();

  @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "target folder (default: current folder)")
  Path output;

  @Option(names = {"-x", "--connections"}, paramLabel = "N", description = "connections per file, 1..64 (default: 16)")
  Integer connections;

  @Option(names = "--sha256", paramLabel = "HEX", description = "expected SHA-256 (single URL only)")
  String sha256;

  @Option(names = "--backend", paramLabel = "NAME", description = "auto (default), jdk or aria2")
  String backend;

  @Option(names = "--ca-file", paramLabel = "PEM", description = "also trust the CA certificates in this PEM file")
  Path caFile;

  @Option(names = "--tls", paramLabel = "PROVIDER",
      description = "TLS implementation: auto (default: Conscrypt where it loads, else the JDK's), conscrypt or jdk")
  String tls = "auto";

  @Option(names = "--overwrite", description = "replace a different existing file (only once the new one is verified)")
  boolean overwrite;

  @Option(names = "--no-sidecars", description = "do not write metadata/preview files beside models")
  boolean noSidecars;

  @Option(names = {"-q", "--quiet"}, description = "no progress line")
  boolean quiet;

  @Option(names = "--warm-up", hidden = true, description = "download from a loopback server and exit (used by the launcher)")
  boolean warmUp;

  @Option(names = {"-O", "--option"}, paramLabel = "KEY=VALUE",
      description = "a source option, e.g. civitai.fileId=123, civitai.format=SafeTensor, civitai.a1111Json=true; "
          + "repeatable")
  Map<String, String> options = new java.util.LinkedHashMap<>();

  @Option(names = "--include", paramLabel = "GLOB",
      description = "Hugging Face repository: only files matching GLOB ('*' also matches '/'); repeatable")
  List<String> include = new ArrayList<>();

  @Option(names = "--exclude", paramLabel = "GLOB",
      description = "Hugging Face repository: leave out files matching GLOB ('dir/' = the folder); repeatable")
  List<String> exclude = new ArrayList<>();

  @Option(names = "--revision", paramLabel = "REV",
      description = "Hugging Face branch, tag or commit when the URL names none (default: main)")
  String revision;

  @Option(names = "--hf-cache", description = "write into the Hugging Face cache (HF_HUB_CACHE, else $HF_HOME/hub) "
      + "so transformers/diffusers find the files offline")
  boolean hfCache;

  @Option(names = "--hf-cache-dir", paramLabel = "DIR", description = "write into this Hugging Face hub cache folder")
  Path hfCacheDir;

  public static void main(String[] args) {
    Preload.start(args);
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, out, err, null);
  }

  /** Runs with {@code environment} as the library's environment instead of the process's (for tests). */
  static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> environment) {
    CommandLine cmd = new CommandLine(new Main(out, err, environment));
    cmd.addSubcommand("identify", new IdentifyCommand(out, err, environment));
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
  }

  @Override
  public Integer call() throws java.io.IOException {
    if (warmUp) {
      return WarmUp.run();
    }
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
