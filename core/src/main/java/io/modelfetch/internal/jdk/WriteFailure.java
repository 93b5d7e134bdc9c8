package io.modelfetch.internal.jdk;

import java.io.IOException;

/**
 * Writing to the partial file failed: not a network problem, never retried. It is an
 * {@link IOException} only so that it can leave a read loop; the loop's caller turns its cause
 * into {@link DiskErrors#writing} before treating other IOExceptions as network failures.
 */
final class WriteFailure extends IOException {
  private static final long serialVersionUID = 1L;
  final IOException cause;

  WriteFailure(IOException cause) {
    super(cause);
    this.cause = cause;
  }
}
