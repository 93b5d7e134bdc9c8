package io.modelfetch.spi;

import java.net.URI;
import java.util.Objects;

/**
 * A metadata file written beside a downloaded model, named {@code <base><suffix>} where
 * {@code <base>} is the model's file name without its extension ({@code model.safetensors} with
 * suffix {@code .civitai.info} gives {@code model.civitai.info}).
 *
 * <p>Its content is either given ({@link #ofBytes}) or fetched from a URL without credentials
 * ({@link #fromUrl}, for preview images). Sidecars are written after the model is verified and in
 * place; a sidecar that fails is reported as a notice and does not fail the download.
 *
 * @param suffix appended to the model's base name; must not contain a path separator
 * @param content the bytes, or {@code null} when {@code url} is set
 * @param url where to fetch the bytes, or {@code null} when {@code content} is set
 * @param overwrite whether an existing file of that name is replaced
 */
public record Sidecar(String suffix, byte[] content, URI url, boolean overwrite) {

  public Sidecar {
    Objects.requireNonNull(suffix, "suffix");
    if (suffix.isEmpty() || suffix.contains("/") || suffix.contains("\\") || suffix.contains("..")) {
      throw new IllegalArgumentException("sidecar suffix must be a plain name ending, was '" + suffix + "'");
    }
    if ((content == null) == (url == null)) {
      throw new IllegalArgumentException("a sidecar has either content or a url");
    }
    content = content == null ? null : content.clone();
  }

  /** A sidecar with this content (copied), such as a metadata JSON. */
  public static Sidecar ofBytes(String suffix, byte[] content, boolean overwrite) {
    return new Sidecar(suffix, content, null, overwrite);
  }

  /** A sidecar fetched from {@code url} without credentials, such as a preview image. */
  public static Sidecar fromUrl(String suffix, URI url, boolean overwrite) {
    return new Sidecar(suffix, null, url, overwrite);
  }

  @Override
  public byte[] content() {
    return content == null ? null : content.clone();
  }
}
