package io.modelfetch.faults;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * The real file system seen through a thin wrapper that can run out of space on command and logs
 * the operations that make a download crash-safe (forces and renames). Hand the engine a path from
 * {@link #wrap} and it writes real files, through channels this class controls.
 *
 * <p>Why not a small tmpfs: mounting needs root and a Linux kernel that allows it inside the
 * container, and a tmpfs fills up at a size the test cannot place exactly. This wrapper is
 * portable and fails at the very byte the test chooses.
 */
final class FaultyFileSystem extends FileSystem {
  private final FileSystem real;
  private final FaultyFileSystemProvider provider;
  private final List<String> operations = new CopyOnWriteArrayList<>();
  private final DurabilityLedger ledger = new DurabilityLedger();
  private final AtomicLong written = new AtomicLong();
  private volatile long writeBudget = Long.MAX_VALUE;
  private volatile Predicate<String> budgeted = name -> true;
  private volatile long usableSpace = -1;

  private FaultyFileSystem(FileSystem real) {
    this.real = real;
    this.provider = new FaultyFileSystemProvider(this, real.provider());
  }

  /** A faulty view of the file system that holds {@code anyRealPath}. */
  static FaultyFileSystem of(Path anyRealPath) {
    return new FaultyFileSystem(anyRealPath.getFileSystem());
  }

  /** The same file, seen through this file system. */
  Path wrap(Path real) {
    return real == null ? null : new FaultyPath(this, real);
  }

  /**
   * After {@code bytes} more bytes written into files whose names match, every such write fails
   * as a full disk does ({@code "No space left on device"}), until {@link #diskFreed()}.
   */
  void diskFullAfter(long bytes, Predicate<String> fileNames) {
    written.set(0);
    budgeted = fileNames;
    writeBudget = bytes;
  }

  void diskFreed() {
    writeBudget = Long.MAX_VALUE;
  }

  /** Makes every file store report this much usable space (what a pre-flight space check reads). */
  void reportUsableSpace(long bytes) {
    usableSpace = bytes;
  }

  /** {@code force NAME} and {@code move NAME -> NAME}, in the order they happened, by file name. */
  List<String> operations() {
    return List.copyOf(operations);
  }

  /** Which written bytes were forced, checked at every resume-state write and every rename into place. */
  DurabilityLedger ledger() {
    return ledger;
  }

  /** Called before a write of {@code n} bytes into {@code file}. */
  void beforeWrite(Path file, long n) throws IOException {
    if (budgeted.test(file.getFileName().toString()) && written.addAndGet(n) > writeBudget) {
      written.addAndGet(-n);
      throw new IOException("No space left on device");
    }
  }

  void log(String operation) {
    operations.add(operation);
  }

  long usableSpace() {
    return usableSpace;
  }

  Path unwrap(Path path) {
    return path instanceof FaultyPath ? ((FaultyPath) path).real() : real.getPath(path.toString());
  }

  @Override
  public FaultyFileSystemProvider provider() {
    return provider;
  }

  @Override
  public void close() {
    // the real file system stays open
  }

  @Override
  public boolean isOpen() {
    return true;
  }

  @Override
  public boolean isReadOnly() {
    return false;
  }

  @Override
  public String getSeparator() {
    return real.getSeparator();
  }

  @Override
  public Iterable<Path> getRootDirectories() {
    return StreamSupport.stream(real.getRootDirectories().spliterator(), false).map(this::wrap)
        .collect(Collectors.toList());
  }

  @Override
  public Iterable<FileStore> getFileStores() {
    return real.getFileStores();
  }

  @Override
  public Set<String> supportedFileAttributeViews() {
    return real.supportedFileAttributeViews();
  }

  @Override
  public Path getPath(String first, String... more) {
    return wrap(real.getPath(first, more));
  }

  @Override
  public PathMatcher getPathMatcher(String syntaxAndPattern) {
    PathMatcher m = real.getPathMatcher(syntaxAndPattern);
    return p -> m.matches(unwrap(p));
  }

  @Override
  public UserPrincipalLookupService getUserPrincipalLookupService() {
    return real.getUserPrincipalLookupService();
  }

  @Override
  public WatchService newWatchService() {
    throw new UnsupportedOperationException("not needed by the tests");
  }
}
