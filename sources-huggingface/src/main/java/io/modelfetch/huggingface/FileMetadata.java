package io.modelfetch.huggingface;

import java.net.URI;

/**
 * What one metadata request to {@code /resolve/} told about a file.
 *
 * @param commit the commit the revision pointed at ({@code X-Repo-Commit})
 * @param etag the normalised ETag ({@code X-Linked-Etag}, else {@code ETag}), see {@link HubIds};
 *     {@code null} when absent
 * @param size the size in bytes ({@code X-Linked-Size}, or a non-redirect's {@code Content-Length}), or -1
 * @param download where the bytes are: the signed CDN URL of a redirect, else the Hub URL that answered
 */
record FileMetadata(String commit, String etag, long size, URI download) {
}
