package io.modelfetch.spi;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What a {@link SourceResolver} is asked to resolve.
 *
 * @param source the URL or URN as the user gave it
 * @param options source-specific options from {@link io.modelfetch.DownloadRequest#option}
 * @param directory the target folder, absolute, or {@code null} when the request names an exact file
 */
public record SourceRequest(String source, Map<String, String> options, Path directory) {

  public SourceRequest {
    options = Map.copyOf(options);
  }

  /** One source-specific option ({@code huggingface.revision}), if the request set it. */
  public Optional<String> option(String key) {
    return Optional.ofNullable(options.get(key));
  }
}
