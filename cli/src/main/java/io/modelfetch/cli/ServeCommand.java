package io.modelfetch.cli;

import io.modelfetch.server.ModelServer;
import io.modelfetch.server.ServerConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** {@code modelfetch serve}: the download page and JSON API of the {@code server} module. */
final class ServeCommand implements Callable<Integer> {
  private final CommandSpec spec = CommandSpec.wrapWithoutInspection(this);
  private final OptionSpec portOpt = Options.add(spec, Options.valued(Integer.class, "N",
      "port to listen on (default 8080; 0 picks a free one)", "--port"));
  private final OptionSpec modelsOpt = Options.add(spec, Options.valued(Path.class, "DIR",
      "models root; downloads go to its folders checkpoints, loras, vae, embeddings, hf (default ./models)",
      "--models"));
  private final OptionSpec allowPrivateOpt = Options.add(spec, Options.flag(
      "let downloads reach loopback, private and link-local addresses (a home network's NAS, tests); "
          + "off by default, so a pasted URL cannot reach this machine's network", "--allow-private"));

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> environment;

  ServeCommand(PrintStream out, PrintStream err, Map<String, String> environment) {
    this.out = out;
    this.err = err;
    this.environment = environment;
    spec.name("serve").versionProvider(new Main.Version());
    spec.usageMessage().sortOptions(false)
        .description("Serves a download page and JSON API on http://127.0.0.1:PORT/ until stopped (Ctrl-C).",
            "Paste a CivitAI, Hugging Face, Google Drive or direct URL, check what it is, download it with "
            + "live progress, pause, resume or cancel; the page also lists the installed models.")
        .footer("", "Tokens: CIVITAI_TOKEN, HF_TOKEN from this process's environment; they never reach the page.");
    Options.addHelp(spec);
  }

  CommandSpec spec() {
    return spec;
  }

  @Override
  public Integer call() throws InterruptedException {
    int port = Options.valueOr(portOpt, 8080);
    if (port < 0 || port > 65535) {
      err.println("modelfetch: --port must be 0..65535, was " + port);
      return 2;
    }
    ServerConfig config = ServerConfig.defaults().withPort(port)
        .withModels(Options.valueOr(modelsOpt, Path.of("models")))
        .withAllowPrivate(Options.valueOr(allowPrivateOpt, false))
        .withEnvironment(environment);
    ModelServer server;
    try {
      server = ModelServer.start(config);
    } catch (IOException e) {
      err.println("modelfetch: cannot serve on port " + port + ": " + e.getMessage()
          + (port != 0 ? "; is another server using it? try --port 0" : ""));
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "modelfetch-serve-stop"));
    out.println("modelfetch serving " + server.uri() + " (models in " + config.models().toAbsolutePath().normalize()
        + (config.allowPrivate() ? ", private addresses allowed" : "") + "); Ctrl-C stops");
    stopped.await();
    return 0;
  }
}
