package io.modelfetch.huggingface;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.internal.file.FileErrors;
import io.modelfetch.internal.file.NoFollowFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * huggingface_hub's cache layout, so transformers and diffusers find the files offline:
 * <pre>
 * {root}/models--{org}--{name}/blobs/{etag}                    the content (named by SHA-256 or git blob id)
 * {root}/models--{org}--{name}/snapshots/{commit}/{path}       relative symlink to ../../blobs/{etag}
 * {root}/models--{org}--{name}/refs/{branch}                   the commit the branch pointed at
 * </pre>
 * Where symbolic links cannot be made (Windows without Developer Mode), the snapshot gets a copy.
 * With {@code HF_HUB_DISABLE_SYMLINKS} set, files are downloaded straight into their snapshot and
 * no blob is kept, as huggingface_hub does without symlinks (one copy on disk, not two).
 */
final class HubCache {
  private static final String CACHEDIR_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n"
      + "# This file is a cache directory tag created by huggingface_hub.\n"
      + "# For information about cache directory tags, see:\n"
      + "#\thttps://bford.info/cachedir/\n";

  private final Path repoFolder;
  private final boolean copies;

  private HubCache(Path repoFolder, boolean copies) {
    this.repoFolder = repoFolder;
    this.copies = copies;
  }

  /** The cache of one repository under {@code root} ({@code HF_HUB_CACHE}), with snapshot links to blobs. */
  static HubCache of(Path root, HubLocation repo) {
    return of(root, repo, false);
  }

  /**
   * The cache of one repository under {@code root}.
   *
   * @param copies whether snapshots hold the files themselves ({@code HF_HUB_DISABLE_SYMLINKS})
   */
  static HubCache of(Path root, HubLocation repo, boolean copies) {
    return new HubCache(root.toAbsolutePath().normalize()
        .resolve(repo.type().plural() + "--" + repo.repoId().replace("/", "--")), copies);
  }

  /** The cache a blob path (from {@link #blob}) belongs to. */
  static HubCache ofBlob(Path blob) {
    return new HubCache(blob.getParent().getParent(), false);
  }

  /** The cache a snapshot file ({@code snapshots/{commit}/{path}}) belongs to. */
  static HubCache ofSnapshotFile(Path file, String commit, String path) {
    Path snapshot = file;
    for (int i = path.split("/", -1).length; i > 0; i--) {
      snapshot = snapshot.getParent();
    }
    if (!snapshot.getFileName().toString().equals(commit)) {
      throw new IllegalArgumentException(file + " is not " + path + " in a snapshot of " + commit);
    }
    return new HubCache(snapshot.getParent().getParent(), true);
  }

  /** Whether snapshots hold the files themselves rather than links to blobs. */
  boolean copies() {
    return copies;
  }

  /**
   * Where a download of {@code path} goes: its blob, or with {@link #copies()} its place in the
   * snapshot; fails for a path that would leave the snapshot.
   */
  Path place(String commit, String path, String etag) throws DownloadException {
    Path pointer = pointer(commit, path);
    Path place = copies ? pointer : blob(etag);
    try {
      NoFollowFiles.createDirectories(repoFolder, place.getParent());
    } catch (IOException e) {
      throw cannotUpdate(e);
    }
    return place;
  }

  /** Where the content with this ETag lives. */
  Path blob(String etag) {
    return repoFolder.resolve("blobs").resolve(etag);
  }

  /**
   * Where {@code path} appears in the snapshot of {@code commit}; fails for a path that would leave it.
   */
  Path pointer(String commit, String path) throws DownloadException {
    return inside(repoFolder.resolve("snapshots").resolve(commit), path, "file path");
  }

  /**
   * Makes {@code snapshots/{commit}/{path}} point at the blob and records {@code refs/{ref}}.
   *
   * @param ref the branch or tag asked for, or {@code null} when a commit was asked for
   * @return whether the snapshot got a copy because symbolic links are not possible here
   */
  boolean link(Path blob, String commit, String path, String ref) throws DownloadException {
    Path pointer = pointer(commit, path);
    boolean copied;
    try {
      NoFollowFiles.createDirectories(repoFolder, pointer.getParent());
      copied = linkOrCopy(blob, pointer);
    } catch (IOException e) {
      throw cannotUpdate(e);
    }
    recordRef(commit, ref);
    return copied;
  }

  private DownloadException cannotUpdate(IOException e) {
    return new DownloadException(Kind.LOCAL_IO, "cannot update the Hugging Face cache at " + repoFolder + ": "
        + FileErrors.cause(e), e);
  }

  /** Makes a symbolic link; {@link Files#createSymbolicLink} but for tests of file systems without links. */
  @FunctionalInterface
  interface Linker {
    void link(Path link, Path target) throws IOException;
  }

  private static boolean linkOrCopy(Path blob, Path pointer) throws IOException {
    return linkOrCopy(blob, pointer, (link, target) -> Files.createSymbolicLink(link, target));
  }

  static boolean linkOrCopy(Path blob, Path pointer, Linker linker) throws IOException {
    Path relative = pointer.getParent().relativize(blob);
    if (Files.isSymbolicLink(pointer) && Files.readSymbolicLink(pointer).equals(relative)) {
      return false;
    }
    Path temp = temporaryBeside(pointer);
    boolean copied = false;
    try {
      linker.link(temp, relative);
    } catch (UnsupportedOperationException | FileSystemException e) {
      Files.deleteIfExists(temp);
      Files.copy(blob, temp);
      copied = true;
    }
    replace(temp, pointer);
    return copied;
  }

  /**
   * Leaves the empty marker {@code .no_exist/{commit}/{path}} huggingface_hub leaves for a file the
   * Hub said does not exist at that commit. Best effort: the caller reports the missing file anyway.
   */
  void markMissing(String commit, String path) {
    try {
      Path marker = inside(repoFolder.resolve(".no_exist").resolve(commit), path, "file path");
      NoFollowFiles.createDirectories(repoFolder, marker.getParent());
      if (!Files.exists(marker)) {
        Files.createFile(marker);
      }
    } catch (IOException | DownloadException e) {
      // the marker only saves an offline lookup; the download fails with the Hub's answer either way
    }
  }

  /**
   * Records {@code refs/{ref}} for a snapshot whose files are in place already.
   *
   * @param ref the branch or tag asked for, or {@code null} when a commit was asked for
   */
  void recordRef(String commit, String ref) throws DownloadException {
    try {
      if (ref != null) {
        Path refFile = inside(repoFolder.resolve("refs"), ref, "revision");
        NoFollowFiles.createDirectories(repoFolder, refFile.getParent());
        writeRef(refFile, commit);
      }
      tagCacheDirectory();
    } catch (IOException e) {
      throw cannotUpdate(e);
    }
  }

  /** {@code refs/{ref}} holds the commit, written atomically as huggingface_hub does. */
  private static void writeRef(Path ref, String commit) throws IOException {
    if (Files.isRegularFile(ref, LinkOption.NOFOLLOW_LINKS) && Files.readString(ref, StandardCharsets.UTF_8).equals(commit)) {
      return;
    }
    Path temp = temporaryBeside(ref);
    try {
      NoFollowFiles.writeAtomically(ref, temp, commit.getBytes(StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * A fresh temporary name in the folder of {@code file}, as short whatever the file's name (a
   * 250-byte name plus a suffix would not fit in 255).
   */
  private static Path temporaryBeside(Path file) {
    return file.resolveSibling(".tmp-" + UUID.randomUUID());
  }

  private void tagCacheDirectory() throws IOException {
    try {
      Files.writeString(repoFolder.getParent().resolve("CACHEDIR.TAG"), CACHEDIR_TAG, StandardCharsets.UTF_8,
          StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    } catch (FileAlreadyExistsException alreadyTagged) {
      // written by an earlier run or by huggingface_hub
    }
  }

  private static void replace(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** {@code base/relative}, refusing empty, {@code .} and {@code ..} segments from the Hub or the user. */
  private static Path inside(Path base, String relative, String what) throws DownloadException {
    Path resolved = base;
    for (String segment : relative.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.contains("\\")
          || segment.indexOf('\0') >= 0) {
        throw new DownloadException(Kind.UNEXPECTED_RESPONSE, "refusing the " + what + " '" + relative
            + "' in the Hugging Face cache: it is not a plain relative path");
      }
      try {
        resolved = resolved.resolve(segment);
      } catch (InvalidPathException e) {
        throw new DownloadException(Kind.UNEXPECTED_RESPONSE, "the " + what + " '" + relative
            + "' cannot be stored on this file system: " + e.getReason());
      }
    }
    if (!resolved.normalize().startsWith(base)) {
      throw new DownloadException(Kind.UNEXPECTED_RESPONSE, "refusing the " + what + " '" + relative
          + "': it leaves " + base);
    }
    return resolved;
  }
}
