package io.modelfetch.spi;

import io.modelfetch.DownloadException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * Turns what a user pasted (a model page URL, an API URL, a URN) into the files to download.
 *
 * <p>Implementations are discovered with {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/io.modelfetch.spi.SourceResolver}. The engine asks resolvers in
 * descending {@link #priority()} order and uses the first whose {@link #accepts} says yes; the
 * built-in resolver for plain http(s) URLs has the lowest priority and comes last.
 *
 * <pre>{@code
 * public final class ExampleResolver implements SourceResolver {
 *   public String name() { return "example"; }
 *   public boolean accepts(String source) { return source.startsWith("https://models.example.com/"); }
 *   public List<RemoteFile> resolve(SourceRequest request, ResolverContext context) throws DownloadException {
 *     URI url = URI.create(request.source().replace("/m/", "/files/"));
 *     return List.of(RemoteFile.builder(url).fileName("model.safetensors").build());
 *   }
 * }
 * }</pre>
 *
 * <p>Implementations must be thread-safe: one instance serves every download of a
 * {@code Downloads}. Errors are {@link DownloadException}s whose messages say what to do and
 * contain no secret.
 */
public interface SourceResolver {
  /** A short lower-case name ({@code civitai}), used in errors and as the token/endpoint key. */
  String name();

  /** Higher goes first. Source-specific resolvers use 0 or more; the direct-URL resolver uses {@link Integer#MIN_VALUE}. */
  default int priority() {
    return 0;
  }

  /** Whether this source string is this resolver's. Must be cheap and never touch the network. */
  boolean accepts(String source);

  /**
   * Resolves the source into one or more files.
   *
   * @throws DownloadException with a kind and a message that says what to do
   */
  List<RemoteFile> resolve(SourceRequest request, ResolverContext context) throws DownloadException;

  /**
   * Where the engine starts again for a fresh link, when the link it downloads from has expired (a
   * 403 from a redirect target mid-download) or the remote file seems to have changed. The engine
   * follows redirects from the URL returned, as it does from {@link RemoteFile#url()}. The default
   * is {@link RemoteFile#refreshUrl()}; override it when a fresh link takes more than following
   * redirects, such as Google Drive's virus-scan confirmation page.
   *
   * @throws DownloadException with a kind and a message that says what to do, when there is no fresh link
   */
  default URI refresh(RemoteFile file, ResolverContext context) throws DownloadException {
    return file.refreshUrl();
  }

  /**
   * Called after a file is verified and at {@code path}, before the download completes; for
   * layouts that need more than the file (a cache's symlinks and refs). Also called when the
   * file was already present. Returns the path to report to the user, which may differ from
   * where the bytes are (a cache's snapshot link rather than its blob). The default does nothing
   * and returns {@code path}.
   */
  default Path afterDownload(RemoteFile file, Path path, ResolverContext context) throws DownloadException {
    return path;
  }
}
