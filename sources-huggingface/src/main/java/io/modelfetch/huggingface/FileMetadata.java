package io.modelfetch.huggingface;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What one metadata request to {@code /resolve/} told about a file.
 *
 * @param commit the commit the revision pointed at ({@code X-Repo-Commit})
 * @param etag the normalised ETag ({@code X-Linked-Etag}, else {@code ETag}): the SHA-256 of an
 *     LFS or Xet file, the git blob id of a small file stored in git; {@code null} when absent
 * @param size the size in bytes ({@code X-Linked-Size}, or a non-redirect's {@code Content-Length}), or -1
 * @param download where the bytes are: the signed CDN URL of a redirect, else the Hub URL that answered
 */
record FileMetadata(String commit, String etag, long size, URI download) {
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern HEX40 = Pattern.compile("[0-9a-f]{40}");

  /** Strips {@code W/} and quotes, as huggingface_hub's {@code _normalize_etag}. */
  static String normalizeEtag(String etag) {
    if (etag == null) {
      return null;
    }
    String e = etag.strip();
    if (e.startsWith("W/")) {
      e = e.substring(2);
    }
    e = e.replace("\"", "").strip().toLowerCase(Locale.ROOT);
    return e.isEmpty() ? null : e;
  }

  Optional<String> sha256() {
    return Optional.ofNullable(etag).filter(e -> HEX64.matcher(e).matches());
  }

  Optional<String> gitBlobSha1() {
    return Optional.ofNullable(etag).filter(e -> HEX40.matcher(e).matches());
  }

  /** Whether an ETag is a SHA-256 or a git blob id, and so safe as a file name and usable to verify. */
  static boolean isContentId(String etag) {
    return etag != null && (HEX64.matcher(etag).matches() || HEX40.matcher(etag).matches());
  }

  static boolean isCommitHash(String revision) {
    return revision != null && HEX40.matcher(revision).matches();
  }
}
