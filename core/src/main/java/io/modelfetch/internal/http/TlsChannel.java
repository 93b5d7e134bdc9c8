package io.modelfetch.internal.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * TLS over a blocking {@link SocketChannel}, driven through an {@link SSLEngine} with direct
 * buffers from the socket to the caller's buffer. An {@code SSLSocket} moves every record through
 * heap arrays: the socket's stream copies the ciphertext into the heap, the engine copies it to
 * native memory and the plaintext back, the caller copies it again and the file write copies it
 * once more into a direct buffer. Here the ciphertext lands in a direct buffer, the engine
 * (Conscrypt's BoringSSL, or the JDK's) decrypts it straight into the caller's direct buffer, and
 * that buffer goes to the file.
 *
 * <p>One reader and one writer thread at a time (a connection serves one request at a time);
 * {@link #close()} may come from another thread, and then closes the socket only.
 */
final class TlsChannel implements ByteChannel {
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
  /** Ciphertext read per socket read: many records at once, so one read call yields a lot of plaintext. */
  private static final int NET_BUFFER = 256 * 1024;

  private final SocketChannel channel;
  private final SSLEngine engine;
  /** Ciphertext from the socket not yet decrypted (read mode). */
  private ByteBuffer netIn;
  /** Ciphertext to send (write mode between calls). */
  private ByteBuffer netOut;
  /** Plaintext decrypted but not yet handed out, when the caller's buffer was too small for a record (read mode). */
  private ByteBuffer appIn;
  private boolean inboundDone;
  private boolean closeNotifyReceived;

  private TlsChannel(SocketChannel channel, SSLEngine engine) {
    this.channel = channel;
    this.engine = engine;
    int packet = engine.getSession().getPacketBufferSize();
    this.netIn = ByteBuffer.allocateDirect(Math.max(NET_BUFFER, packet)).flip();
    this.netOut = ByteBuffer.allocateDirect(packet);
    this.appIn = ByteBuffer.allocateDirect(engine.getSession().getApplicationBufferSize()).flip();
  }

  /**
   * Runs the handshake on a connected channel. {@code handshakeIn} is the channel's socket stream,
   * which (unlike the channel) honours the socket's read timeout: the handshake reads through it.
   */
  static TlsChannel handshake(SocketChannel channel, SSLEngine engine, InputStream handshakeIn) throws IOException {
    TlsChannel tls = new TlsChannel(channel, engine);
    engine.beginHandshake();
    tls.completeHandshake(handshakeIn);
    return tls;
  }

  private void completeHandshake(InputStream in) throws IOException {
    byte[] chunk = new byte[netIn.capacity()];
    while (true) {
      HandshakeStatus status = engine.getHandshakeStatus();
      switch (status) {
        case NEED_WRAP:
          wrapAndFlush(EMPTY);
          break;
        case NEED_UNWRAP: {
          SSLEngineResult r = engine.unwrap(netIn, appIn.compact());
          appIn.flip();
          if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
            readInto(in, chunk);
          } else if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
            throw new SSLException("the server closed the connection during the TLS handshake");
          } else if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
          }
          break;
        }
        case NEED_TASK:
          runTasks();
          break;
        default:
          return; // FINISHED or NOT_HANDSHAKING
      }
    }
  }

  /** Appends what the stream has to {@link #netIn}, blocking for at most the socket's timeout. */
  private void readInto(InputStream in, byte[] chunk) throws IOException {
    makeRoomInNetIn();
    int n = in.read(chunk, 0, Math.min(chunk.length, netIn.remaining()));
    if (n > 0) {
      netIn.put(chunk, 0, n);
    }
    netIn.flip();
    if (n < 0) {
      throw new EOFException("the server closed the connection during the TLS handshake");
    }
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    if (appIn.hasRemaining()) {
      return transfer(appIn, dst);
    }
    if (inboundDone) {
      return -1;
    }
    int produced = 0;
    boolean viaBuffer = false;
    while (true) {
      if (netIn.hasRemaining()) {
        boolean direct = !viaBuffer && dst.remaining() >= engine.getSession().getApplicationBufferSize();
        ByteBuffer target = direct ? dst : appIn.compact();
        SSLEngineResult r = engine.unwrap(netIn, target);
        if (!direct) {
          appIn.flip();
        }
        switch (r.getStatus()) {
          case OK:
            if (r.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING
                && r.getHandshakeStatus() != HandshakeStatus.FINISHED) {
              postHandshake(r.getHandshakeStatus());
            }
            if (!direct && appIn.hasRemaining()) {
              return produced + transfer(appIn, dst);
            }
            produced += r.bytesProduced();
            continue; // decrypt every whole record already read, so one call returns as much as it can
          case BUFFER_OVERFLOW:
            if (produced > 0) {
              return produced;
            }
            if (direct) {
              viaBuffer = true; // a record larger than the caller's room: decrypt it into appIn
            } else {
              appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
            }
            continue;
          case CLOSED:
            inboundDone = true;
            closeNotifyReceived = true;
            return produced > 0 ? produced : -1;
          case BUFFER_UNDERFLOW:
          default:
            break; // a partial record: read more
        }
      }
      if (produced > 0) {
        return produced;
      }
      if (fillFromSocket() < 0) {
        inboundDone = true;
        return -1; // closed without close_notify: the HTTP framing tells whether the body was whole
      }
    }
  }

  /** TLS 1.3 sends session tickets and key updates after the handshake; they are handled on the way. */
  private void postHandshake(HandshakeStatus status) throws IOException {
    while (true) {
      if (status == HandshakeStatus.NEED_TASK) {
        runTasks();
      } else if (status == HandshakeStatus.NEED_WRAP) {
        wrapAndFlush(EMPTY);
      } else {
        return; // NEED_UNWRAP continues in the read loop; FINISHED / NOT_HANDSHAKING: done
      }
      status = engine.getHandshakeStatus();
    }
  }

  private int fillFromSocket() throws IOException {
    makeRoomInNetIn();
    int n;
    try {
      n = channel.read(netIn);
    } finally {
      netIn.flip();
    }
    return n;
  }

  /** Puts {@link #netIn} in write mode after its unread bytes, growing it when they fill it. */
  private void makeRoomInNetIn() {
    netIn.compact();
    if (!netIn.hasRemaining()) {
      netIn = grow(netIn.flip(), netIn.capacity() * 2).compact();
    }
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    int written = 0;
    while (src.hasRemaining()) {
      int before = src.remaining();
      wrapAndFlush(src);
      written += before - src.remaining();
    }
    return written;
  }

  private void wrapAndFlush(ByteBuffer src) throws IOException {
    netOut.clear();
    SSLEngineResult r = engine.wrap(src, netOut);
    if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
      netOut = ByteBuffer.allocateDirect(netOut.capacity() * 2);
      return;
    }
    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
      throw new SSLException("the TLS connection is closed");
    }
    netOut.flip();
    while (netOut.hasRemaining()) {
      channel.write(netOut);
    }
    if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
      runTasks();
    }
  }

  private void runTasks() {
    Runnable task;
    while ((task = engine.getDelegatedTask()) != null) {
      task.run();
    }
  }

  private static int transfer(ByteBuffer from, ByteBuffer to) {
    int n = Math.min(from.remaining(), to.remaining());
    ByteBuffer slice = from.slice();
    slice.limit(n);
    to.put(slice);
    from.position(from.position() + n);
    return n;
  }

  /** A larger direct copy of {@code b} (in read mode), still in read mode. */
  private static ByteBuffer grow(ByteBuffer b, int capacity) {
    ByteBuffer bigger = ByteBuffer.allocateDirect(Math.max(capacity, b.capacity() + 1));
    bigger.put(b).flip();
    return bigger;
  }

  /**
   * Whether the server ended the stream with a close_notify. A TCP close without one may be an
   * attacker or a broken network cutting the data short.
   */
  boolean closeNotifyReceived() {
    return closeNotifyReceived;
  }

  /** Whether decrypted bytes wait that no read has taken yet. */
  boolean hasBufferedPlaintext() {
    return appIn.hasRemaining();
  }

  @Override
  public boolean isOpen() {
    return channel.isOpen();
  }

  /**
   * Closes the socket. No close_notify is sent: an idle HTTP/1.1 connection is closed between
   * responses, and this may run on another thread than the one reading.
   */
  @Override
  public void close() throws IOException {
    channel.close();
  }
}
