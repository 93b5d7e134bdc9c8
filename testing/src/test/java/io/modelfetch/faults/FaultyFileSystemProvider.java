package io.modelfetch.faults;

import io.modelfetch.internal.file.ControlFile;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileStoreAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/** Passes every operation to the real provider, through the {@link FaultyFileSystem}'s faults and log. */
final class FaultyFileSystemProvider extends FileSystemProvider {
  private final FaultyFileSystem fs;
  private final FileSystemProvider real;

  FaultyFileSystemProvider(FaultyFileSystem fs, FileSystemProvider real) {
    this.fs = fs;
    this.real = real;
  }

  @Override
  public String getScheme() {
    return "faulty";
  }

  @Override
  public FaultyFileSystem newFileSystem(URI uri, Map<String, ?> env) {
    throw new UnsupportedOperationException("create one with FaultyFileSystem.of");
  }

  @Override
  public FaultyFileSystem getFileSystem(URI uri) {
    throw new UnsupportedOperationException("create one with FaultyFileSystem.of");
  }

  @Override
  public Path getPath(URI uri) {
    throw new UnsupportedOperationException("use FaultyFileSystem.wrap");
  }

  @Override
  public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
      throws IOException {
    FileChannel channel = real.newFileChannel(fs.unwrap(path), options, attrs);
    if (options.contains(StandardOpenOption.TRUNCATE_EXISTING) && options.contains(StandardOpenOption.WRITE)) {
      fs.ledger().truncated(path.getFileName().toString(), 0);
    }
    return new FaultyFileChannel(fs, path, channel);
  }

  @Override
  public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
      throws IOException {
    return newFileChannel(path, options, attrs);
  }

  @Override
  public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
      throws IOException {
    DirectoryStream<Path> stream = real.newDirectoryStream(fs.unwrap(dir), p -> filter.accept(fs.wrap(p)));
    return new DirectoryStream<>() {
      @Override
      public Iterator<Path> iterator() {
        Iterator<Path> it = stream.iterator();
        return new Iterator<>() {
          @Override
          public boolean hasNext() {
            return it.hasNext();
          }

          @Override
          public Path next() {
            return fs.wrap(it.next());
          }
        };
      }

      @Override
      public void close() throws IOException {
        stream.close();
      }
    };
  }

  @Override
  public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
    real.createDirectory(fs.unwrap(dir), attrs);
  }

  @Override
  public void delete(Path path) throws IOException {
    real.delete(fs.unwrap(path));
    fs.ledger().truncated(path.getFileName().toString(), 0);
  }

  @Override
  public void copy(Path source, Path target, CopyOption... options) throws IOException {
    real.copy(fs.unwrap(source), fs.unwrap(target), options);
  }

  @Override
  public void move(Path source, Path target, CopyOption... options) throws IOException {
    String from = source.getFileName().toString();
    String to = target.getFileName().toString();
    fs.log("move " + from + " -> " + to);
    if (from.endsWith(".state.tmp") && to.equals(from.substring(0, from.length() - ".tmp".length()))) {
      String part = to.substring(0, to.length() - ".state".length());
      fs.ledger().stateWritten(part, ControlFile.read(fs.unwrap(source)).map(ControlFile::ranges)
          .orElseThrow(() -> new AssertionError("an unreadable resume state is being put in place: " + from)));
    } else if (from.endsWith(".part") && to.equals(from.substring(0, from.length() - ".part".length()))) {
      fs.ledger().partMoved(from);
    }
    real.move(fs.unwrap(source), fs.unwrap(target), options);
  }

  @Override
  public boolean isSameFile(Path path, Path path2) throws IOException {
    return real.isSameFile(fs.unwrap(path), fs.unwrap(path2));
  }

  @Override
  public boolean isHidden(Path path) throws IOException {
    return real.isHidden(fs.unwrap(path));
  }

  @Override
  public FileStore getFileStore(Path path) throws IOException {
    FileStore store = real.getFileStore(fs.unwrap(path));
    return fs.usableSpace() < 0 ? store : new SmallStore(store, fs.usableSpace());
  }

  @Override
  public void checkAccess(Path path, AccessMode... modes) throws IOException {
    real.checkAccess(fs.unwrap(path), modes);
  }

  @Override
  public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
    return real.getFileAttributeView(fs.unwrap(path), type, options);
  }

  @Override
  public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
      throws IOException {
    return real.readAttributes(fs.unwrap(path), type, options);
  }

  @Override
  public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
    return real.readAttributes(fs.unwrap(path), attributes, options);
  }

  @Override
  public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
    real.setAttribute(fs.unwrap(path), attribute, value, options);
  }

  /** A real file store that claims to have only a little space left. */
  private static final class SmallStore extends FileStore {
    private final FileStore real;
    private final long usable;

    SmallStore(FileStore real, long usable) {
      this.real = real;
      this.usable = usable;
    }

    @Override
    public String name() {
      return real.name();
    }

    @Override
    public String type() {
      return real.type();
    }

    @Override
    public boolean isReadOnly() {
      return real.isReadOnly();
    }

    @Override
    public long getTotalSpace() throws IOException {
      return real.getTotalSpace();
    }

    @Override
    public long getUsableSpace() {
      return usable;
    }

    @Override
    public long getUnallocatedSpace() {
      return usable;
    }

    @Override
    public boolean supportsFileAttributeView(Class<? extends FileAttributeView> type) {
      return real.supportsFileAttributeView(type);
    }

    @Override
    public boolean supportsFileAttributeView(String name) {
      return real.supportsFileAttributeView(name);
    }

    @Override
    public <V extends FileStoreAttributeView> V getFileStoreAttributeView(Class<V> type) {
      return real.getFileStoreAttributeView(type);
    }

    @Override
    public Object getAttribute(String attribute) throws IOException {
      return real.getAttribute(attribute);
    }
  }
}
