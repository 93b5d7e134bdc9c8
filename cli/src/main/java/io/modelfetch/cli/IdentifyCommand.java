package io.modelfetch.cli;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadHandle;
import io.modelfetch.DownloadListener;
import io.modelfetch.DownloadRequest;
import io.modelfetch.Downloads;
import io.modelfetch.Metadata;
import io.modelfetch.civitai.CivitaiResolver;
import io.modelfetch.internal.Sizes;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code modelfetch identify}: looks local model files up on CivitAI by SHA-256 and writes their sidecars. */
final class IdentifyCommand implements Callable<Integer> {
  private static final String EXTENSIONS_TEXT = ".safetensors .ckpt .pt .pth .bin .gguf";
  private static final Set<String> EXTENSIONS = Set.of("safetensors", "ckpt", "pt", "pth", "bin", "gguf");

  private final CommandSpec spec = CommandSpec.wrapWithoutInspection(this);
  private final PositionalParamSpec pathsArg = Options.add(spec, PositionalParamSpec.builder().index("0..*")
      .arity("1..*").required(true).paramLabel("PATH").type(List.class).auxiliaryTypes(Path.class)
      .description("model files, or folders to search"));
  private final OptionSpec a1111JsonOpt = Options.add(spec, Options.flag(
      "also write A1111's NAME.json (activation text, sd version); an existing one is kept", "--a1111-json"));
  private final OptionSpec refreshOpt = Options.add(spec, Options.flag(
      "in folders, also look up files that already have a .civitai.info", "--refresh"));
  private final OptionSpec caFileOpt = Options.add(spec, Options.caFile());
  private final OptionSpec quietOpt = Options.add(spec, Options.flag("no 'hashing ...' lines", "-q", "--quiet"));

  private List<Path> paths;
  private boolean a1111Json;
  private boolean refresh;
  private Path caFile;
  private boolean quiet;

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> environment;

  IdentifyCommand(PrintStream out, PrintStream err, Map<String, String> environment) {
    this.out = out;
    this.err = err;
    this.environment = environment;
    spec.name("identify").versionProvider(new Main.Version());
    spec.usageMessage().sortOptions(false)
        .description("Looks local model files up on CivitAI by SHA-256 and writes what it knows beside them.",
            "Beside each file: NAME.civitai.info (as the Civitai Helper extension writes it) and "
            + "NAME.preview.<png|jpg|webp>.",
            "Folders are searched for model files (" + EXTENSIONS_TEXT + ") without a .civitai.info. "
            + "A file CivitAI does not know gets a .civitai.info of {} (as Civitai Helper writes), so later "
            + "folder searches skip it; --refresh asks again.")
        .footer("", "Token: CIVITAI_TOKEN (or CIVITAI_API_TOKEN). Endpoint: CIVITAI_ENDPOINT.",
            "Exit codes as for downloads; 3 when CivitAI does not know a file's hash.");
    Options.addHelp(spec);
  }

  CommandSpec spec() {
    return spec;
  }

  @Override
  public Integer call() {
    paths = pathsArg.getValue();
    a1111Json = Options.valueOr(a1111JsonOpt, false);
    refresh = Options.valueOr(refreshOpt, false);
    caFile = caFileOpt.getValue();
    quiet = Options.valueOr(quietOpt, false);
    Downloads.Builder builder = Downloads.builder().listener(new DownloadListener() {
      @Override
      public void onNotice(DownloadHandle download, String message) {
        err.println(message);
      }
    });
    if (environment != null) {
      builder.environment(environment);
    }
    if (caFile != null) {
      if (!Files.isReadable(caFile)) {
        err.println("modelfetch: cannot read the CA file " + caFile);
        return 2;
      }
      builder.trustCertificates(caFile);
    }
    int status = 0;
    try (Downloads downloads = builder.build()) {
      for (Path file : files()) {
        if (!quiet) {
          err.println("hashing " + file + sizeOf(file));
        }
        DownloadRequest request = CivitaiResolver.identify(file);
        if (a1111Json) {
          request = request.option("civitai.a1111Json", "true");
        }
        try {
          out.println(file + ": " + describe(downloads.download(request).metadata()));
        } catch (DownloadException e) {
          err.println("modelfetch: " + file + ": " + e.getMessage());
          if (e.kind() == DownloadException.Kind.NOT_FOUND) {
            markUnknown(file);
          }
          status = status == 0 ? ExitCodes.of(e.kind()) : status;
        }
      }
    } catch (IOException e) {
      err.println("modelfetch: " + e.getMessage());
      return 1;
    }
    return status;
  }

  /**
   * Writes {@code {}} as the info file of a model CivitAI does not know, as Civitai Helper does, so
   * that folder searches skip it until {@code --refresh}. An existing info file is never replaced.
   */
  private void markUnknown(Path file) {
    Path info = file.toAbsolutePath().resolveSibling(baseName(file) + ".civitai.info");
    try {
      Files.writeString(info, "{}", java.nio.charset.StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE_NEW,
          java.nio.file.StandardOpenOption.WRITE);
      if (!quiet) {
        err.println("wrote " + info + " ({}): folder searches skip this file until --refresh");
      }
    } catch (java.nio.file.FileAlreadyExistsException kept) {
      // an earlier answer (or an earlier {}) stays
    } catch (IOException ex) {
      err.println("modelfetch: cannot write " + info + ": " + ex.getMessage());
    }
  }

  /** The files named, and the model files in the folders named (those already identified only with --refresh). */
  private List<Path> files() throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path path : paths) {
      if (!Files.isDirectory(path)) {
        files.add(path);
        continue;
      }
      try (Stream<Path> walk = Files.walk(path)) {
        walk.filter(Files::isRegularFile).filter(IdentifyCommand::isModel)
            .filter(p -> refresh || !Files.exists(p.resolveSibling(baseName(p) + ".civitai.info")))
            .sorted()
            .forEach(files::add);
      }
    }
    return files;
  }

  private static boolean isModel(Path p) {
    String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
    int dot = name.lastIndexOf('.');
    return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1));
  }

  private static String baseName(Path p) {
    String name = p.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  private static String sizeOf(Path file) {
    try {
      return " (" + Sizes.human(Files.size(file)) + ")";
    } catch (IOException e) {
      return "";
    }
  }

  /** {@code Model / Version (LORA, SDXL 1.0) https://civitai.com/models/...} */
  private static String describe(Metadata m) {
    StringJoiner kind = new StringJoiner(", ", " (", ")").setEmptyValue("");
    m.modelType().ifPresent(kind::add);
    m.baseModel().ifPresent(kind::add);
    return m.modelName().orElse("?") + " / " + m.versionName().orElse("?") + kind + m.pageUrl().map(u -> " " + u)
        .orElse("");
  }
}
