package io.modelfetch.internal.jdk;

import io.modelfetch.AddressPolicy;
import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.RetryInfo;
import io.modelfetch.Secret;
import io.modelfetch.internal.Backoff;
import io.modelfetch.internal.HttpErrors;
import io.modelfetch.internal.RemoteChangedException;
import io.modelfetch.internal.TransferImpl;
import io.modelfetch.internal.http.ContentRange;
import io.modelfetch.internal.http.ProtocolException;
import io.modelfetch.internal.http.Response;
import java.io.EOFException;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection of a segmented transfer: fetches the ranges the scheduler hands out, writes them
 * at their offsets, and retries failures from the last byte written, never from the range's start.
 */
final class RangeWorker implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(RangeWorker.class);
  /** Read buffer: at most {@link Scheduler#MIN_SPLIT}, so a read in flight never crosses into a stolen range. */
  static final int BUFFER = (int) Scheduler.MIN_SPLIT;
  /** Bytes gathered from a TLS stream before they are written... */
  private static final int GATHER = 256 * 1024;
  /** ...unless gathering takes longer than this: progress and the speed behind hedging stay current on slow links. */
  private static final long GATHER_NANOS = 20_000_000L;

  private final SegmentedTransfer owner;
  private final TransferImpl transfer;
  private final boolean own;
  /** One of the connections started together, which wait for each other's answers once. */
  private boolean awaitingFirstAnswer;
  private volatile Response current;
  private volatile Segment working;
  private volatile boolean aborted;
  private boolean shed;
  private ByteBuffer direct;
  private ByteBuffer heap;
  /** Bytes/s this connection reached on its last range: the yardstick for hedging. */
  private long lastSpeed;

  RangeWorker(SegmentedTransfer owner, boolean own, boolean first) {
    this.owner = owner;
    this.transfer = owner.transfer();
    this.own = own;
    this.awaitingFirstAnswer = first;
  }

  @Override
  public void run() {
    Scheduler scheduler = owner.scheduler();
    owner.awaitStart();
    try {
      Scheduler.Assignment a;
      while (!owner.stopped() && !shed() && (a = scheduler.next(lastSpeed)) != null) {
        working = a.segment();
        try {
          fetch(a);
        } finally {
          working = null;
          scheduler.release(a.segment());
        }
        if (a.segment().isDone()) {
          owner.segmentFinished(a.segment(), this);
        }
      }
    } catch (DownloadException e) {
      owner.fail(e);
    } catch (RuntimeException | Error e) {
      LOG.error("range worker failed unexpectedly", e);
      owner.fail(new DownloadException(Kind.LOCAL_IO, "unexpected failure: " + e, e));
    } finally {
      firstAnswer(false);
      owner.workerExited(this, own || shed); // a shed connection was already given back
    }
  }

  /** An extra connection gives itself back when the engine wants it (a lowered limit, a file waiting for its first). */
  private boolean shed() {
    if (!own && !shed && transfer.budget().shed()) {
      shed = true;
    }
    return shed;
  }

  private void fetch(Scheduler.Assignment a) throws DownloadException {
    Segment seg = a.segment();
    long pos = a.from();
    int attempt = 1;
    while (true) {
      if (owner.stopped()) {
        return;
      }
      pos = Math.max(pos, a.hedge() ? pos : seg.frontier());
      long end = seg.end();
      if (pos >= end || seg.isDone()) {
        return;
      }
      URI url = owner.url();
      Duration wait;
      String reason;
      Response response = null;
      try {
        response = request(url, pos, end);
        firstAnswer(true);
        current = response;
        if (aborted) {
          response.abort();
        }
        int status = response.status();
        if (status == 206) {
          checkRange(response, pos, end);
          long before = pos;
          long started = System.nanoTime();
          pos = stream(response, seg, pos, end);
          long elapsed = System.nanoTime() - started;
          if (pos > before && elapsed > 0) {
            lastSpeed = (pos - before) * 1_000_000_000L / elapsed;
          }
          return;
        }
        response.discard(64 * 1024);
        if (status == 200 || status == 416) {
          throw status == 200
              ? new RemoteChangedException("the server answered a range request with the whole file (HTTP 200): "
                  + "the file changed, or the server stopped honouring ranges", true)
              : new RemoteChangedException("the server refused a range inside the file (HTTP 416): the file changed "
                  + "size");
        }
        if (status == 403 && isSigned(url)) {
          URI fresh = owner.refreshUrl(url, status);
          if (fresh != null) {
            continue;
          }
        }
        wait = Backoff.retryWait(response, attempt, transfer.maxAttempts());
        reason = "HTTP " + status + " from " + url.getHost();
      } catch (WriteFailure e) {
        throw DiskErrors.writing(e.cause, owner.part());
      } catch (IOException e) {
        pos = e instanceof PartialFailure ? ((PartialFailure) e).position : pos;
        if (owner.stopped() || seg.isDone() || (aborted && a.hedge())) {
          return;
        }
        if (e instanceof PartialFailure && ((PartialFailure) e).progressed) {
          attempt = 1; // bytes arrived: the connection works, this is a new failure
        }
        IOException cause = e instanceof PartialFailure ? (IOException) e.getCause() : e;
        if (attempt >= transfer.maxAttempts() || cause instanceof AddressPolicy.Refused) {
          throw HttpErrors.forIo(cause, url, attempt);
        }
        wait = Backoff.exponential(attempt + 1);
        reason = HttpErrors.describe(cause) + " from " + url.getHost() + " at byte " + pos;
      } finally {
        firstAnswer(false);
        current = null;
        if (response != null) {
          response.close();
        }
      }
      attempt++;
      transfer.events().retrying(new RetryInfo(reason, attempt, wait));
      transfer.sleep(wait);
    }
  }

  private void firstAnswer(boolean wait) {
    if (awaitingFirstAnswer) {
      awaitingFirstAnswer = false;
      owner.firstAnswer(wait);
    }
  }

  private Response request(URI url, long from, long end) throws IOException {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Range", "bytes=" + from + "-" + (end - 1));
    Optional<String> validator = transfer.validator();
    validator.ifPresent(v -> headers.put("If-Range", v));
    return owner.data().follow(url, transfer::headersFor, headers);
  }

  /** A 206 must be exactly the range asked for, of a file of the expected size. */
  private void checkRange(Response response, long from, long end) throws ProtocolException {
    String header = response.header("Content-Range").orElse(null);
    Optional<ContentRange> range = ContentRange.parse(header);
    if (range.isEmpty() || range.get().first() != from || range.get().last() != end - 1) {
      throw new ProtocolException("asked for bytes " + from + "-" + (end - 1) + " but got Content-Range '"
          + Secret.redact(String.valueOf(header)) + "'");
    }
    if (range.get().total() != owner.size()) {
      throw new ProtocolException("the file's size changed to " + range.get().total() + " (was " + owner.size() + ")");
    }
    if (response.contentLength() >= 0 && response.contentLength() != end - from) {
      throw new ProtocolException("Content-Length " + response.contentLength() + " does not match the range of "
          + (end - from) + " bytes");
    }
  }

  /**
   * Copies the body into the file at its offsets until the segment's (possibly shrunk) end.
   * Returns the position reached.
   */
  private long stream(Response response, Segment seg, long from, long requestedEnd)
      throws IOException {
    ByteBuffer buf = buffer(response.prefersDirectBuffers());
    boolean gather = !response.prefersDirectBuffers();
    long pos = from;
    try {
      while (true) {
        long limit = Math.min(seg.end(), requestedEnd);
        if (pos >= limit || seg.isDone() || (!own && transfer.budget().wanted())) {
          break;
        }
        buf.clear();
        buf.limit((int) Math.min(Math.min(buf.capacity(), limit - pos), transfer.maxRead()));
        int n = response.read(buf);
        if (n < 0) {
          throw new EOFException("body ended at byte " + pos + " before the range end " + requestedEnd);
        }
        // a TLS stream yields one 16 KiB record per read: gather a few before writing, for 16x fewer writes
        long gatherUntil = gather ? System.nanoTime() + GATHER_NANOS : 0;
        while (gather && buf.position() < GATHER && buf.hasRemaining() && System.nanoTime() < gatherUntil
            && response.read(buf) > 0) {
          // reading on
        }
        buf.flip();
        while (buf.hasRemaining()) {
          int w;
          try {
            w = owner.channel().write(buf, pos);
          } catch (IOException e) {
            throw new WriteFailure(e);
          }
          pos += w;
        }
        long moved = seg.advance(pos);
        if (moved > 0) {
          transfer.events().transferred(moved);
        }
      }
    } catch (WriteFailure e) {
      throw e;
    } catch (IOException e) {
      throw new PartialFailure(e, pos, pos > from);
    }
    if (pos < requestedEnd || !response.isComplete()) {
      response.abort(); // stopped early (range stolen, or another writer finished): the rest is unread
    }
    return pos;
  }

  private ByteBuffer buffer(boolean preferDirect) {
    if (preferDirect) {
      if (direct == null) {
        direct = ByteBuffer.allocateDirect(BUFFER);
      }
      return direct;
    }
    if (heap == null) {
      heap = ByteBuffer.allocate(BUFFER);
    }
    return heap;
  }

  /** A URL on another host than the one the resolver gave is a redirect target, typically a presigned CDN URL. */
  private boolean isSigned(URI url) {
    return !url.getHost().equalsIgnoreCase(transfer.refreshUrl().getHost());
  }

  void abort() {
    aborted = true;
    Response r = current;
    if (r != null) {
      r.abort();
    }
  }

  /** Stops this worker's request if it is writing {@code segment}, which another connection has just finished. */
  void abandon(Segment segment) {
    Response r = current;
    if (working == segment && r != null) {
      r.abort();
    }
  }

  /** A read failed after {@code position} bytes were written; carries where to resume. */
  private static final class PartialFailure extends IOException {
    private static final long serialVersionUID = 1L;
    final long position;
    final boolean progressed;

    PartialFailure(IOException cause, long position, boolean progressed) {
      super(cause);
      this.position = position;
      this.progressed = progressed;
    }
  }
}
