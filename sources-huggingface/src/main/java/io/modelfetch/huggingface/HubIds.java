package io.modelfetch.huggingface;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The hex identifiers the Hub hands out. An ETag is "its git-sha1 if stored in git, or its
 * sha256 if stored in git-lfs" (huggingface_hub's {@code hf_hub_url}), so it both verifies a file
 * and names its blob in the cache; a commit is 40 hex digits like a git blob id.
 */
final class HubIds {
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern HEX40 = Pattern.compile("[0-9a-f]{40}");

  private HubIds() {
  }

  /** Strips {@code W/} and quotes and lower-cases, as huggingface_hub's {@code _normalize_etag}; null when empty. */
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

  /** The ETag of an LFS or Xet file: its SHA-256. */
  static boolean isSha256(String etag) {
    return etag != null && HEX64.matcher(etag).matches();
  }

  /** The ETag of a file stored in git: its git blob id. */
  static boolean isGitBlobId(String etag) {
    return etag != null && HEX40.matcher(etag).matches();
  }

  /** Whether an ETag can verify a file and, being plain hex, name its blob. */
  static boolean isContentId(String etag) {
    return isSha256(etag) || isGitBlobId(etag);
  }

  static boolean isCommitHash(String revision) {
    return revision != null && HEX40.matcher(revision).matches();
  }
}
