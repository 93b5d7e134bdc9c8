package io.modelfetch;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One file of a finished download.
 *
 * @param path where the file is (always inside the requested folder, or the requested file)
 * @param size its size in bytes
 * @param sha256 its SHA-256 in lower-case hex, when it was computed (always when the source
 *     published one, and then verified); {@code null} otherwise
 * @param status whether it was downloaded now, resumed, or already there
 * @param metadata what the source said about it
 * @param sidecars metadata files written beside it
 * @param url where the bytes came from, with credentials redacted
 */
public record DownloadedFile(
    Path path, long size, String sha256, Status status, Metadata metadata, List<Path> sidecars, String url) {

  public DownloadedFile {
    sidecars = List.copyOf(sidecars);
  }

  /** How the file came to be at its path. */
  public enum Status {
    /** Transferred in full by this download. */
    DOWNLOADED,
    /** Completed from a partial file an earlier attempt left. */
    RESUMED,
    /** Already complete at the target (same size, and same SHA-256 when one was known); nothing transferred. */
    ALREADY_PRESENT,
    /** Produced from the content cache ({@link Downloads.Builder#contentCache}); nothing transferred. */
    CACHED
  }

  public Optional<String> sha256Hex() {
    return Optional.ofNullable(sha256);
  }
}
