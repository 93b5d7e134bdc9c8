package io.modelfetch.internal.file;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

/**
 * Says why a file operation failed. The JDK's {@link AccessDeniedException} and
 * {@link NoSuchFileException} carry only the path as their message, so "cannot write /m/x.part:
 * /m/x.part" told the user nothing; this names the cause ("permission denied", "not a directory",
 * "read-only file system") and the path it happened at.
 */
public final class FileErrors {
  private FileErrors() {
  }

  /** The cause of {@code e} in a few words, followed by the path it concerns when the JDK knows it. */
  public static String cause(IOException e) {
    if (e instanceof UnsafePathException) {
      return e.getMessage();
    }
    if (!(e instanceof FileSystemException fs)) {
      return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
    String reason = reason(fs);
    if (fs.getFile() == null) {
      return reason;
    }
    return reason + " (" + fs.getFile() + (fs.getOtherFile() == null ? "" : " -> " + fs.getOtherFile()) + ")";
  }

  private static String reason(FileSystemException e) {
    if (e.getReason() != null && !e.getReason().isBlank()) {
      return lower(e.getReason());
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof NotDirectoryException) {
      return "not a directory";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "something else already exists there";
    }
    if (e instanceof DirectoryNotEmptyException) {
      return "the directory is not empty";
    }
    return "file system error";
  }

  /** "Read-only file system" -> "read-only file system", as it reads inside a sentence. */
  private static String lower(String reason) {
    return reason.length() > 1 && Character.isUpperCase(reason.charAt(0)) && !Character.isUpperCase(reason.charAt(1))
        ? reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1) : reason;
  }
}
