package io.modelfetch.internal.jdk;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.internal.HttpErrors;
import io.modelfetch.internal.file.FileErrors;
import java.io.IOException;
import java.nio.file.Path;

/** Errors writing the partial file: a full disk says so; the partial file is kept for a resume. */
final class DiskErrors {
  private DiskErrors() {
  }

  static DownloadException writing(IOException e, Path part) {
    if (HttpErrors.isDiskFull(e)) {
      return new DownloadException(Kind.INSUFFICIENT_SPACE, "the disk is full while writing " + part
          + "; free some space and run the same request again: it resumes where it stopped", e);
    }
    return new DownloadException(Kind.LOCAL_IO, "cannot write " + part + ": " + FileErrors.cause(e), e);
  }
}
