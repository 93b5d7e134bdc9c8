package io.modelfetch.huggingface;

import io.modelfetch.spi.ResolverContext;
import java.nio.file.Path;

/** The local folders huggingface_hub uses, from the same environment variables and defaults. */
final class HubPaths {
  private HubPaths() {
  }

  /** {@code HF_HOME}, else {@code $XDG_CACHE_HOME/huggingface}, else {@code ~/.cache/huggingface}. */
  static Path hfHome(ResolverContext context) {
    return context.env("HF_HOME").map(Path::of)
        .or(() -> context.env("XDG_CACHE_HOME").map(x -> Path.of(x, "huggingface")))
        .orElseGet(() -> home(context).resolve(".cache").resolve("huggingface"));
  }

  /** {@code HF_HUB_CACHE}, else the legacy {@code HUGGINGFACE_HUB_CACHE}, else {@code $HF_HOME/hub}. */
  static Path hubCache(ResolverContext context) {
    return context.env("HF_HUB_CACHE").or(() -> context.env("HUGGINGFACE_HUB_CACHE")).map(Path::of)
        .orElseGet(() -> hfHome(context).resolve("hub"));
  }

  private static Path home(ResolverContext context) {
    return Path.of(context.env("HOME").orElseGet(() -> System.getProperty("user.home")));
  }
}
