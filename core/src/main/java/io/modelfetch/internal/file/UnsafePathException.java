package io.modelfetch.internal.file;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file the library was about to create or write in the download folder is a symbolic link, a
 * hard link, or not a regular file; it was left alone, and so was whatever it points to.
 */
public final class UnsafePathException extends IOException {
  private static final long serialVersionUID = 1L;
  private final transient Path path;

  UnsafePathException(Path path, String what) {
    super("refusing to write through " + path + ": it is " + what + "; modelfetch never writes through links "
        + "in the download folder, so remove it (or check who put it there) and run again");
    this.path = path;
  }

  /** The path that was refused. */
  public Path path() {
    return path;
  }
}
