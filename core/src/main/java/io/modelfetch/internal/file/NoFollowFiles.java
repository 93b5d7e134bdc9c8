package io.modelfetch.internal.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The one way the library creates, opens for writing and replaces files in a download folder
 * (partial files, locks, resume state, sidecars, the Hugging Face cache, the aria2 backend's
 * files): never through a link someone planted there.
 *
 * <p>Every open adds {@link LinkOption#NOFOLLOW_LINKS} ({@code O_NOFOLLOW}: the kernel refuses a
 * symbolic link as the last component), temporaries are created with {@code CREATE_NEW}
 * ({@code O_EXCL}: never an existing file or link), and after each open the path is checked again
 * to be a regular file with a single link, so a hard link to a file elsewhere is refused too. An
 * unexpected link is an {@link UnsafePathException} that names it; nothing is written through it.
 */
public final class NoFollowFiles {
  private NoFollowFiles() {
  }

  /**
   * Opens {@code file} for writing, creating it if missing; {@code extra} may add {@code READ} or
   * {@code TRUNCATE_EXISTING}.
   */
  public static FileChannel openForWriting(Path file, OpenOption... extra) throws IOException {
    refuseUnsafe(file);
    Set<OpenOption> options = new HashSet<>(List.of(extra));
    options.add(StandardOpenOption.WRITE);
    options.add(StandardOpenOption.CREATE);
    options.add(LinkOption.NOFOLLOW_LINKS);
    return checkedOpen(file, options);
  }

  /**
   * Creates {@code temp} as a new, empty file for writing. A regular file left there by an
   * earlier crash is removed first; a link is refused.
   */
  public static FileChannel createTemporary(Path temp) throws IOException {
    refuseUnsafe(temp);
    Files.deleteIfExists(temp);
    Set<OpenOption> options = Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW,
        LinkOption.NOFOLLOW_LINKS);
    return checkedOpen(temp, options);
  }

  /**
   * Writes {@code bytes} to {@code target} atomically: a new temporary beside it ({@code temp}),
   * forced to disk, then renamed over the target. A link at either name is refused.
   */
  public static void writeAtomically(Path target, Path temp, byte[] bytes) throws IOException {
    try (FileChannel ch = createTemporary(temp)) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    moveReplacing(temp, target);
  }

  /**
   * Renames the regular file {@code source} over {@code target}, atomically where the file system
   * can. A rename replaces a link at the target rather than writing through it, but a link there is
   * still unexpected and refused, so it is never silently swapped for a file.
   */
  public static void moveReplacing(Path source, Path target) throws IOException {
    BasicFileAttributes attributes = lstat(source);
    if (attributes == null) {
      throw new NoSuchFileException(source.toString());
    }
    if (!attributes.isRegularFile()) {
      throw unsafe(source, attributes);
    }
    refuseLink(target);
    try {
      Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Fails when {@code path} is a symbolic link (for files another program is about to write, like aria2c). */
  public static void refuseLink(Path path) throws UnsafePathException {
    BasicFileAttributes attributes = lstat(path);
    if (attributes != null && attributes.isSymbolicLink()) {
      throw unsafe(path, attributes);
    }
  }

  /**
   * Fails when {@code path} exists as anything but a regular file with one link: a symbolic link,
   * a hard link shared with another name, a directory, a pipe or a device.
   */
  public static void refuseUnsafe(Path path) throws UnsafePathException {
    BasicFileAttributes attributes = lstat(path);
    if (attributes != null && (!attributes.isRegularFile() || links(path) > 1)) {
      throw unsafe(path, attributes);
    }
  }

  /**
   * Creates {@code dir} and its missing parents below {@code base} (which must exist or is created
   * as usual); every folder between them must be a real folder, not a link to one elsewhere.
   */
  public static void createDirectories(Path base, Path dir) throws IOException {
    Path root = base.toAbsolutePath().normalize();
    Path target = dir.toAbsolutePath().normalize();
    if (!target.startsWith(root)) {
      throw new IllegalArgumentException(target + " is not inside " + root);
    }
    Files.createDirectories(root);
    Path current = root;
    for (Path segment : root.relativize(target)) {
      if (segment.toString().isEmpty()) {
        continue;
      }
      current = current.resolve(segment);
      try {
        Files.createDirectory(current);
      } catch (FileAlreadyExistsException e) {
        BasicFileAttributes attributes = lstat(current);
        if (attributes == null || !attributes.isDirectory()) {
          throw attributes != null && attributes.isSymbolicLink() ? unsafe(current, attributes)
              : new FileSystemException(current.toString(), null, "not a directory");
        }
      }
    }
  }

  private static FileChannel checkedOpen(Path file, Set<OpenOption> options) throws IOException {
    FileChannel channel;
    try {
      channel = FileChannel.open(file, options);
    } catch (FileAlreadyExistsException e) {
      refuseUnsafe(file); // CREATE_NEW met a link planted after the check: name it
      throw e;
    } catch (FileSystemException e) {
      refuseUnsafe(file); // O_NOFOLLOW's ELOOP says "too many levels of symbolic links": name the link instead
      throw e;
    }
    try {
      BasicFileAttributes attributes = lstat(file);
      if (attributes == null || !attributes.isRegularFile() || links(file) > 1) {
        throw attributes == null ? new NoSuchFileException(file + " vanished while being opened")
            : unsafe(file, attributes);
      }
      return channel;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private static BasicFileAttributes lstat(Path path) {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return null;
    }
  }

  /** The number of names the file has; 1 where the file system cannot say. */
  private static int links(Path path) {
    try {
      return ((Number) Files.getAttribute(path, "unix:nlink", LinkOption.NOFOLLOW_LINKS)).intValue();
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return 1;
    }
  }

  private static UnsafePathException unsafe(Path path, BasicFileAttributes attributes) {
    String what;
    if (attributes.isSymbolicLink()) {
      String to;
      try {
        to = " to " + Files.readSymbolicLink(path);
      } catch (IOException | UnsupportedOperationException e) {
        to = "";
      }
      what = "a symbolic link" + to;
    } else if (attributes.isRegularFile()) {
      what = "a hard link shared with another file name";
    } else if (attributes.isDirectory()) {
      what = "a directory";
    } else {
      what = "not a regular file";
    }
    return new UnsafePathException(path, what);
  }
}
