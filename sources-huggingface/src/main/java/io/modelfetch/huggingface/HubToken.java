package io.modelfetch.huggingface;

import io.modelfetch.Secret;
import io.modelfetch.spi.ResolverContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The Hub token and where it came from, found in huggingface_hub's order: the token given to the
 * builder, else {@code HF_TOKEN}, else the legacy {@code HUGGING_FACE_HUB_TOKEN}, else the token
 * file that {@code hf auth login} writes ({@code HF_TOKEN_PATH}, else {@code $HF_HOME/token}, else
 * {@code ~/.cache/huggingface/token}). Surrounding whitespace is trimmed; an empty token is none.
 *
 * @param secret the token
 * @param origin where it came from, for error messages (never the value)
 */
record HubToken(Secret secret, String origin) {

  static Optional<HubToken> find(ResolverContext context) {
    Optional<Secret> configured = context.token(HuggingFaceResolver.NAME);
    if (configured.isPresent()) {
      return Optional.of(new HubToken(configured.get(), "the token given to Downloads.builder()"));
    }
    for (String var : new String[] {"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"}) {
      Secret s = context.env(var).map(Secret::ofNullable).orElse(null);
      if (s != null) {
        return Optional.of(new HubToken(s, "the token in " + var));
      }
    }
    Path file = tokenFile(context);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      Secret s = Secret.ofNullable(Files.readString(file, StandardCharsets.UTF_8));
      return s == null ? Optional.empty() : Optional.of(new HubToken(s, "the token in " + file));
    } catch (IOException e) {
      context.notice("cannot read the Hugging Face token file " + file + " (" + e.getMessage()
          + "); continuing without a token");
      return Optional.empty();
    }
  }

  private static Path tokenFile(ResolverContext context) {
    return context.env("HF_TOKEN_PATH").map(Path::of).orElseGet(() -> HubPaths.hfHome(context).resolve("token"));
  }
}
