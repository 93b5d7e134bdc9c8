package io.modelfetch.huggingface;

/**
 * One file of a repository listing ({@code /api/models/{repo}/tree/{rev}?recursive=true}).
 *
 * @param path the path inside the repository, {@code /}-separated
 * @param size the size in bytes
 * @param gitOid the git blob id
 * @param lfsSha256 the SHA-256 of an LFS or Xet file, {@code null} for a file stored in git
 */
record TreeEntry(String path, long size, String gitOid, String lfsSha256) {

  /** What the Hub's ETag for this file is, and the blob's name in the cache. */
  String etag() {
    return lfsSha256 != null ? lfsSha256 : gitOid;
  }
}
