package io.modelfetch.internal;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.DownloadRequest;
import io.modelfetch.spi.RemoteFile;
import java.util.List;

/** What a request itself demands of the resolved files (an exact file, size or SHA-256), checked against the source. */
final class RequestExpectations {
  private RequestExpectations() {
  }

  static List<RemoteFile> apply(DownloadRequest request, List<RemoteFile> files) throws DownloadException {
    if (files.isEmpty()) {
      throw new DownloadException(Kind.NOT_FOUND, "the source resolved to no files: " + request
          + "; check the URL and any include/exclude filters");
    }
    boolean expectations = request.sha256().isPresent() || request.size() >= 0 || request.file().isPresent();
    if (!expectations) {
      return files;
    }
    if (files.size() > 1) {
      throw new DownloadException(Kind.INVALID_REQUEST, "the source has " + files.size()
          + " files, so an exact target file, size or SHA-256 does not apply; download into a folder instead");
    }
    RemoteFile f = files.get(0);
    RemoteFile.Builder b = f.toBuilder();
    if (request.sha256().isPresent()) {
      String wanted = request.sha256().get();
      if (f.sha256().isPresent() && !f.sha256().get().equals(wanted)) {
        throw new DownloadException(Kind.CHECKSUM_MISMATCH, "the requested SHA-256 " + wanted
            + " differs from the one the source publishes, " + f.sha256().get() + "; check which file you meant");
      }
      b.sha256(wanted);
    }
    if (request.size() >= 0) {
      if (f.size() >= 0 && f.size() != request.size()) {
        throw new DownloadException(Kind.CHECKSUM_MISMATCH, "the requested size " + request.size()
            + " differs from the source's, " + f.size());
      }
      b.size(request.size());
    }
    return List.of(b.build());
  }
}
