package io.modelfetch.huggingface;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.Secret;
import io.modelfetch.spi.RemoteFile;
import io.modelfetch.spi.ResolverContext;
import io.modelfetch.spi.SourceRequest;
import io.modelfetch.spi.SourceResolver;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Downloads files and whole repositories from the Hugging Face Hub.
 *
 * <pre>{@code
 * downloads.download(DownloadRequest.of("https://huggingface.co/stabilityai/sd-turbo")
 *     .option(HuggingFaceResolver.OPTION_INCLUDE, "*.json,unet/*.safetensors")
 *     .into(Path.of("models/sd-turbo")));
 * }</pre>
 *
 * <p>Accepts {@code https://huggingface.co/{repo}/resolve/{rev}/{path}} and the web forms
 * {@code /blob/}, {@code /raw/} and {@code /tree/{rev}[/{folder}]}, a repository page
 * {@code https://huggingface.co/{org}/{name}} (the whole repository), each also under
 * {@code datasets/} and {@code spaces/}, and {@code hf://[datasets/|spaces/]{org}/{name}[@{rev}][/{path}]}.
 *
 * <p>Each file costs one metadata request to the Hub ({@code /resolve/}, not following the
 * redirect to the CDN); its bytes then come from the signed CDN URL without the token, verified
 * against the SHA-256 (LFS and Xet files) or git blob id (small files) the Hub published. A
 * snapshot lists the repository recursively at one commit and takes the files the
 * {@link #OPTION_INCLUDE include} and {@link #OPTION_EXCLUDE exclude} patterns select.
 *
 * <p>The token is the builder's ({@code token("huggingface", ...)}), else {@code HF_TOKEN}, else
 * {@code HUGGING_FACE_HUB_TOKEN}, else the file {@code hf auth login} writes ({@code HF_TOKEN_PATH},
 * else {@code $HF_HOME/token}, else {@code ~/.cache/huggingface/token}); it is sent only to the
 * Hub's host. The Hub is the builder's {@code endpoint("huggingface", ...)}, else {@code HF_ENDPOINT},
 * else {@code https://huggingface.co}.
 */
public final class HuggingFaceResolver implements SourceResolver {
  /** The resolver's name, and the service name of its token and endpoint on the builder. */
  public static final String NAME = "huggingface";
  /** Comma-separated patterns a snapshot's file paths must match one of ({@code *} matches {@code /} too). */
  public static final String OPTION_INCLUDE = "huggingface.include";
  /** Comma-separated patterns of files a snapshot leaves out; a pattern ending in {@code /} means a folder. */
  public static final String OPTION_EXCLUDE = "huggingface.exclude";
  /** The branch, tag or commit when the URL names none (default {@code main}). */
  public static final String OPTION_REVISION = "huggingface.revision";
  /**
   * {@code true}: write into the huggingface_hub cache ({@code HF_HUB_CACHE}, else {@code $HF_HOME/hub})
   * instead of the request's folder, as blobs with relative snapshot links and branch refs.
   */
  public static final String OPTION_CACHE = "huggingface.cache";
  /** A hub cache folder to write into (implies {@link #OPTION_CACHE}). */
  public static final String OPTION_CACHE_DIR = "huggingface.cacheDir";

  private static final String DEFAULT_ENDPOINT = "https://huggingface.co";
  private static final String DEFAULT_REVISION = "main";

  private final AtomicBoolean toldAboutCopies = new AtomicBoolean();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return 10;
  }

  @Override
  public boolean accepts(String source) {
    return HubLocation.isHubUrl(source);
  }

  @Override
  public List<RemoteFile> resolve(SourceRequest request, ResolverContext context) throws DownloadException {
    HubLocation location = HubLocation.parse(request.source());
    HubOptions options = HubOptions.of(request, context);
    String revision = revision(location, options);
    Endpoint endpoint = Endpoint.of(context, request.source());
    String base = endpoint.base();
    // a mirror named only by a pasted URL is not where the user keeps their account: no token for it
    Optional<HubToken> token = endpoint.pastedMirror() ? Optional.empty() : HubToken.find(context);
    if (endpoint.pastedMirror() && HubToken.find(context).isPresent()) {
      context.notice("downloading through " + base + " as the URL says, without your Hugging Face token; set "
          + "HF_ENDPOINT=" + base + " to send it there, or use the huggingface.co URL");
    }
    HubClient hub = new HubClient(context, base, location, token);
    HubCache cache = null;
    if (options.cacheRoot() != null) {
      if (request.directory() == null) {
        throw new DownloadException(Kind.INVALID_REQUEST, "the Hugging Face cache names its files itself; "
            + "do not combine " + OPTION_CACHE + " with an exact target file");
      }
      cache = HubCache.of(options.cacheRoot(), location, options.cacheCopies());
    }
    RemoteFiles files = new RemoteFiles(hub, location, base, revision, token, cache, request.directory());
    if (!location.isFile()) {
      return new Snapshot(hub, files, location).resolve(revision, options.filter());
    }
    if (!options.filter().isEmpty()) {
      context.notice("include/exclude patterns select files of a whole repository; " + location.path()
          + " is a single file, so they are ignored");
    }
    HubCache markIn = cache;
    FileMetadata meta = hub.fileMetadata(revision, location.path(), (commit, path) -> {
      if (markIn != null) {
        markIn.markMissing(commit, path); // huggingface_hub's offline mode then knows not to look for it
      }
    });
    return List.of(files.fromMetadata(location.path(), meta, meta.commit(), true));
  }

  /**
   * In cache mode, links {@code snapshots/{commit}/{path}} to the verified blob, records the branch,
   * and reports the snapshot path (where Python tools look) rather than the blob.
   */
  @Override
  public Path afterDownload(RemoteFile file, Path path, ResolverContext context) throws DownloadException {
    if (file.target().isEmpty()) {
      return path;
    }
    Map<String, String> attributes = file.metadata().attributes();
    String revision = attributes.get(RemoteFiles.ATTR_REVISION);
    String commit = attributes.get(RemoteFiles.ATTR_COMMIT);
    String repoPath = attributes.get(RemoteFiles.ATTR_PATH);
    String ref = HubIds.isCommitHash(revision) ? null : revision;
    Path target = file.target().get();
    if (RemoteFiles.LAYOUT_COPIES.equals(attributes.get(RemoteFiles.ATTR_CACHE_LAYOUT))) {
      // HF_HUB_DISABLE_SYMLINKS: the file was downloaded straight into its snapshot
      HubCache.ofSnapshotFile(target, commit, repoPath).recordRef(commit, ref);
      return target;
    }
    HubCache cache = HubCache.ofBlob(target);
    boolean copied = cache.link(target, commit, repoPath, ref);
    if (copied && toldAboutCopies.compareAndSet(false, true)) {
      context.notice("symbolic links are not possible in " + target.getParent().getParent()
          + ", so the Hugging Face cache holds copies (more disk space); on Windows, enable Developer Mode");
    }
    return cache.pointer(commit, repoPath);
  }

  private static String revision(HubLocation location, HubOptions options) throws DownloadException {
    if (location.revision() != null && options.revision() != null && !location.revision().equals(options.revision())) {
      throw new DownloadException(Kind.INVALID_REQUEST, "the URL names revision '" + location.revision()
          + "' but the revision option says '" + options.revision() + "'; give only one");
    }
    return location.revision() != null ? location.revision()
        : options.revision() != null ? options.revision() : DEFAULT_REVISION;
  }

  /**
   * Where the Hub's requests go: the builder's endpoint, else {@code HF_ENDPOINT}, else a known
   * mirror the pasted URL is on, else huggingface.co; without a trailing slash.
   *
   * @param pastedMirror whether the base comes from the URL alone (then no token goes there)
   */
  record Endpoint(String base, boolean pastedMirror) {
    static Endpoint of(ResolverContext context, String source) throws DownloadException {
      Optional<String> configured = context.endpoint(NAME).or(() -> context.env("HF_ENDPOINT"))
          .filter(e -> !e.isBlank());
      Optional<String> mirror = configured.isEmpty() ? HubLocation.mirror(source) : Optional.empty();
      return mirror.isPresent() ? new Endpoint(mirror.get(), true) : new Endpoint(checked(configured), false);
    }
  }

  private static String checked(Optional<String> configured) throws DownloadException {
    String base = configured.orElse(DEFAULT_ENDPOINT).strip();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    try {
      URI uri = new URI(base);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("https") || scheme.equals("http")) && uri.getHost() != null
          && uri.getRawQuery() == null && uri.getRawFragment() == null) {
        return base;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw new DownloadException(Kind.INVALID_REQUEST, "the Hugging Face endpoint '" + Secret.redact(base)
        + "' is not an http(s) URL; fix HF_ENDPOINT or the builder's endpoint (for example https://hf-mirror.com)");
  }
}
