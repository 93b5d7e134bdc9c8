package io.modelfetch.faults;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;

/**
 * A real file channel whose writes can fail as on a full disk, whose forces are logged, and whose
 * writes and forces are recorded in the file system's {@link DurabilityLedger}.
 */
final class FaultyFileChannel extends FileChannel {
  private final FaultyFileSystem fs;
  private final Path path;
  private final FileChannel real;

  FaultyFileChannel(FaultyFileSystem fs, Path path, FileChannel real) {
    this.fs = fs;
    this.path = path;
    this.real = real;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    fs.beforeWrite(path, src.remaining());
    long position = real.position();
    int n = real.write(src);
    fs.ledger().wrote(name(), position, n);
    return n;
  }

  @Override
  public int write(ByteBuffer src, long position) throws IOException {
    fs.beforeWrite(path, src.remaining());
    int n = real.write(src, position);
    fs.ledger().wrote(name(), position, n);
    return n;
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    long n = 0;
    for (int i = offset; i < offset + length; i++) {
      n += srcs[i].remaining();
    }
    fs.beforeWrite(path, n);
    long position = real.position();
    long written = real.write(srcs, offset, length);
    fs.ledger().wrote(name(), position, written);
    return written;
  }

  @Override
  public void force(boolean metaData) throws IOException {
    fs.log("force " + path.getFileName());
    fs.ledger().forcing(name());
    real.force(metaData);
  }

  private String name() {
    return path.getFileName().toString();
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return real.read(dst);
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    return real.read(dsts, offset, length);
  }

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    return real.read(dst, position);
  }

  @Override
  public long position() throws IOException {
    return real.position();
  }

  @Override
  public FileChannel position(long newPosition) throws IOException {
    real.position(newPosition);
    return this;
  }

  @Override
  public long size() throws IOException {
    return real.size();
  }

  @Override
  public FileChannel truncate(long size) throws IOException {
    real.truncate(size);
    fs.ledger().truncated(name(), size);
    return this;
  }

  @Override
  public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
    return real.transferTo(position, count, target);
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
    fs.beforeWrite(path, count);
    long n = real.transferFrom(src, position, count);
    fs.ledger().wrote(name(), position, n);
    return n;
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
    return real.map(mode, position, size);
  }

  @Override
  public FileLock lock(long position, long size, boolean shared) throws IOException {
    return real.lock(position, size, shared);
  }

  @Override
  public FileLock tryLock(long position, long size, boolean shared) throws IOException {
    return real.tryLock(position, size, shared);
  }

  @Override
  protected void implCloseChannel() throws IOException {
    real.close();
  }
}
