package io.modelfetch.faults;

import java.io.IOException;
import java.net.URI;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;

/** A real path, seen through a {@link FaultyFileSystem}; every operation answers with paths of that file system. */
final class FaultyPath implements Path {
  private final FaultyFileSystem fs;
  private final Path real;

  FaultyPath(FaultyFileSystem fs, Path real) {
    this.fs = fs;
    this.real = real;
  }

  Path real() {
    return real;
  }

  @Override
  public FaultyFileSystem getFileSystem() {
    return fs;
  }

  @Override
  public boolean isAbsolute() {
    return real.isAbsolute();
  }

  @Override
  public Path getRoot() {
    return fs.wrap(real.getRoot());
  }

  @Override
  public Path getFileName() {
    return fs.wrap(real.getFileName());
  }

  @Override
  public Path getParent() {
    return fs.wrap(real.getParent());
  }

  @Override
  public int getNameCount() {
    return real.getNameCount();
  }

  @Override
  public Path getName(int index) {
    return fs.wrap(real.getName(index));
  }

  @Override
  public Path subpath(int beginIndex, int endIndex) {
    return fs.wrap(real.subpath(beginIndex, endIndex));
  }

  @Override
  public boolean startsWith(Path other) {
    return real.startsWith(fs.unwrap(other));
  }

  @Override
  public boolean endsWith(Path other) {
    return real.endsWith(fs.unwrap(other));
  }

  @Override
  public Path normalize() {
    return fs.wrap(real.normalize());
  }

  @Override
  public Path resolve(Path other) {
    return fs.wrap(real.resolve(fs.unwrap(other)));
  }

  @Override
  public Path relativize(Path other) {
    return fs.wrap(real.relativize(fs.unwrap(other)));
  }

  @Override
  public URI toUri() {
    return real.toUri();
  }

  @Override
  public Path toAbsolutePath() {
    return fs.wrap(real.toAbsolutePath());
  }

  @Override
  public Path toRealPath(LinkOption... options) throws IOException {
    return fs.wrap(real.toRealPath(options));
  }

  @Override
  public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
    throw new UnsupportedOperationException("not needed by the tests");
  }

  @Override
  public int compareTo(Path other) {
    return real.compareTo(fs.unwrap(other));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FaultyPath && ((FaultyPath) o).real.equals(real);
  }

  @Override
  public int hashCode() {
    return real.hashCode();
  }

  @Override
  public String toString() {
    return real.toString();
  }
}
