package io.modelfetch.huggingface;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.spi.ResolverContext;
import io.modelfetch.spi.SourceRequest;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The request options of the Hugging Face source, validated.
 *
 * @param filter which files of a snapshot to take
 * @param revision the revision asked for by option, or {@code null}
 * @param cacheRoot the hub cache to write into, or {@code null} for a plain folder
 * @param cacheCopies whether the cache holds plain files in its snapshots instead of links to
 *     blobs ({@code HF_HUB_DISABLE_SYMLINKS}, as huggingface_hub reads it)
 */
record HubOptions(PathFilter filter, String revision, Path cacheRoot, boolean cacheCopies) {

  static HubOptions of(SourceRequest request, ResolverContext context) throws DownloadException {
    PathFilter filter = PathFilter.of(request.option(HuggingFaceResolver.OPTION_INCLUDE).orElse(null),
        request.option(HuggingFaceResolver.OPTION_EXCLUDE).orElse(null));
    String revision = request.option(HuggingFaceResolver.OPTION_REVISION).map(String::strip)
        .filter(r -> !r.isEmpty()).orElse(null);
    String cache = request.option(HuggingFaceResolver.OPTION_CACHE).map(v -> v.strip().toLowerCase(Locale.ROOT))
        .orElse("false");
    if (!cache.equals("true") && !cache.equals("false")) {
      throw new DownloadException(Kind.INVALID_REQUEST, HuggingFaceResolver.OPTION_CACHE
          + " must be true or false, was '" + cache + "'");
    }
    Path root = null;
    try {
      if (request.option(HuggingFaceResolver.OPTION_CACHE_DIR).isPresent()) {
        root = Path.of(request.option(HuggingFaceResolver.OPTION_CACHE_DIR).get().strip()).toAbsolutePath();
      } else if (cache.equals("true")) {
        root = HubPaths.hubCache(context).toAbsolutePath();
      }
    } catch (InvalidPathException e) {
      throw new DownloadException(Kind.INVALID_REQUEST, "the Hugging Face cache folder is not a valid path: "
          + e.getMessage(), e);
    }
    boolean copies = context.env("HF_HUB_DISABLE_SYMLINKS").map(HubOptions::isTrue).orElse(false);
    return new HubOptions(filter, revision, root == null ? null : root.normalize(), copies);
  }

  /** huggingface_hub's reading of a boolean variable: 1, ON, YES or TRUE in any case. */
  static boolean isTrue(String value) {
    String v = value.strip().toUpperCase(Locale.ROOT);
    return v.equals("1") || v.equals("ON") || v.equals("YES") || v.equals("TRUE");
  }
}
