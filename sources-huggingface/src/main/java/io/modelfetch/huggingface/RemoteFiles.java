package io.modelfetch.huggingface;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.Metadata;
import io.modelfetch.spi.RemoteFile;
import io.modelfetch.spi.ScopedHeader;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Builds the {@link RemoteFile}s of one resolution: the bytes from the signed CDN URL, the
 * resolve URL at the pinned commit to start again from when that URL expires, the token scoped
 * to the Hub's host, checksums from the ETag, and the place: a plain folder or the HF cache.
 */
final class RemoteFiles {
  static final String ATTR_REPO = "huggingface.repo";
  static final String ATTR_REVISION = "huggingface.revision";
  static final String ATTR_COMMIT = "huggingface.commit";
  static final String ATTR_PATH = "huggingface.path";
  /** How a file is placed in the cache: {@link #LAYOUT_LINKS} or {@link #LAYOUT_COPIES}; absent outside the cache. */
  static final String ATTR_CACHE_LAYOUT = "huggingface.cacheLayout";
  static final String LAYOUT_LINKS = "links";
  static final String LAYOUT_COPIES = "copies";

  private final HubClient hub;
  private final HubLocation repo;
  private final String base;
  private final String revision;
  private final Optional<HubToken> token;
  private final HubCache cache;
  private final Path directory;

  /**
   * @param revision the branch, tag or commit asked for
   * @param cache the cache to place files in, or {@code null} for a plain folder
   * @param directory the plain folder, or {@code null} when the request names an exact file
   */
  RemoteFiles(HubClient hub, HubLocation repo, String base, String revision, Optional<HubToken> token,
      HubCache cache, Path directory) {
    this.hub = hub;
    this.repo = repo;
    this.base = base;
    this.revision = revision;
    this.token = token;
    this.cache = cache;
    this.directory = directory;
  }

  /**
   * A file as its metadata request described it.
   *
   * @param single whether it is the one file a URL named (placed by its name, not its repository path)
   */
  RemoteFile fromMetadata(String path, FileMetadata meta, String commit, boolean single) throws DownloadException {
    return builder(meta.download(), commit, path, meta.etag(), meta.size(), single).build();
  }

  /**
   * A file of a listing that is already in place, so it needs no metadata request: should the
   * local copy fail verification after all, the engine starts from the resolve URL.
   */
  RemoteFile fromListing(TreeEntry entry, String commit) throws DownloadException {
    return builder(hub.resolveUrl(commit, entry.path()), commit, entry.path(), entry.etag(), entry.size(), false)
        .build();
  }

  /** Whether a listed file is already where it would go, with the right size (the engine verifies its hash). */
  boolean isPresent(TreeEntry entry, String commit) {
    try {
      Path local;
      if (cache != null) {
        if (!HubIds.isContentId(entry.etag())) {
          return false;
        }
        local = cache.place(commit, entry.path(), entry.etag());
      } else if (directory != null) {
        local = directory.resolve(entry.path()).normalize();
        if (!local.startsWith(directory)) {
          return false;
        }
      } else {
        return false;
      }
      return Files.isRegularFile(local) && Files.size(local) == entry.size();
    } catch (IOException | InvalidPathException | DownloadException e) {
      return false;
    }
  }

  private RemoteFile.Builder builder(URI url, String commit, String path, String etag, long size, boolean single)
      throws DownloadException {
    RemoteFile.Builder b = RemoteFile.builder(url)
        .refreshUrl(hub.resolveUrl(commit, path))
        .identity("huggingface:" + repo.displayName() + "/" + path + "@" + (etag != null ? etag : commit))
        .size(size)
        .metadata(metadata(commit, path));
    if (HubIds.isSha256(etag)) {
      b.sha256(etag);
    } else if (HubIds.isGitBlobId(etag)) {
      b.gitBlobSha1(etag);
    }
    token.ifPresent(t -> b.header(ScopedHeader.bearer(t.secret(), hub.host())));
    if (cache != null) {
      if (!HubIds.isContentId(etag)) {
        throw new DownloadException(Kind.UNEXPECTED_RESPONSE, "the Hub gave no usable ETag for " + path + " of "
            + repo.displayName() + ", so it cannot be placed in the Hugging Face cache; download it into a folder");
      }
      return b.target(cache.place(commit, path, etag));
    }
    return single ? b.fileName(path.substring(path.lastIndexOf('/') + 1)) : b.relativePath(path);
  }

  private Metadata metadata(String commit, String path) {
    Metadata.Builder m = Metadata.builder()
        .source(HuggingFaceResolver.NAME)
        .pageUrl(repo.pageUrl(base) + "/blob/" + commit + "/" + PercentEncoding.path(path))
        .modelName(repo.repoId())
        .versionName(revision)
        .attribute(ATTR_REPO, repo.displayName())
        .attribute(ATTR_REVISION, revision)
        .attribute(ATTR_COMMIT, commit)
        .attribute(ATTR_PATH, path);
    if (cache != null) {
      m.attribute(ATTR_CACHE_LAYOUT, cache.copies() ? LAYOUT_COPIES : LAYOUT_LINKS);
    }
    return m.build();
  }
}
