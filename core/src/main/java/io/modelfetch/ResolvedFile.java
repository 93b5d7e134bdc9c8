package io.modelfetch;

/**
 * A file as the source described it, before any byte was transferred; passed to
 * {@link DownloadListener#onResolved}.
 *
 * @param url where it will be fetched from, credentials redacted
 * @param name the suggested file name (or relative path inside a repository), or {@code null}
 *     when the server will name it
 * @param size its size in bytes, or {@code -1} while unknown
 * @param sha256 the published SHA-256, or {@code null}
 * @param metadata what the source says about it
 */
public record ResolvedFile(String url, String name, long size, String sha256, Metadata metadata) {
}
