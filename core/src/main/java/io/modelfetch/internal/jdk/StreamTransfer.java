package io.modelfetch.internal.jdk;

import io.modelfetch.AddressPolicy;
import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.RetryInfo;
import io.modelfetch.internal.Backoff;
import io.modelfetch.internal.Cancellation;
import io.modelfetch.internal.HttpErrors;
import io.modelfetch.internal.RemoteChangedException;
import io.modelfetch.internal.TransferImpl;
import io.modelfetch.internal.file.Checksums;
import io.modelfetch.internal.file.ControlFile;
import io.modelfetch.internal.file.NoFollowFiles;
import io.modelfetch.internal.http.DataClient;
import io.modelfetch.internal.http.Response;
import io.modelfetch.spi.TransferResult;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

/**
 * One stream for servers that do not honour ranges or do not say how large the file is. Without
 * ranges there is nothing to resume from, so a broken stream starts over from byte 0 (with an
 * {@code onRestarted} event); the hash is computed inline as the bytes pass.
 */
final class StreamTransfer {
  private static final int BUFFER = 1 << 20;

  private final TransferImpl transfer;
  private final DataClient data;

  StreamTransfer(TransferImpl transfer, DataClient data) {
    this.transfer = transfer;
    this.data = data;
  }

  @SuppressWarnings("try") // the cancel registration is only held open while the response is read
  TransferResult run() throws DownloadException {
    try (FileChannel channel = NoFollowFiles.openForWriting(transfer.partFile())) {
      long stale = channel.size();
      channel.truncate(0);
      ControlFile.delete(ControlFile.pathFor(transfer.partFile()));
      transfer.events().started(0);
      if (stale > 0) {
        transfer.events().restarted("the server no longer accepts range requests, so the " + stale
            + " bytes of the partial download cannot be resumed; starting over");
      }
      transfer.events().connections(1);
      for (int attempt = 1; ; attempt++) {
        transfer.checkNotCancelled();
        MessageDigest digest = transfer.wantsSha256() ? Checksums.sha256() : null;
        Response response = null;
        Duration wait;
        String reason;
        try {
          response = data.follow(transfer.url(), transfer::headersFor, Map.of());
          try (Cancellation.Registration r = transfer.whileRunning(response::abort)) {
            int status = response.status();
            if (status == 200) {
              checkLength(response);
              long written = copy(response, channel, digest);
              channel.force(false);
              return new TransferResult(written, digest == null ? null : HexFormat.of().formatHex(digest.digest()),
                  false);
            }
            response.discard(64 * 1024);
            wait = Backoff.retryWait(response, attempt, transfer.maxAttempts());
            reason = "HTTP " + status + " from " + response.uri().getHost();
          }
        } catch (WriteFailure e) {
          throw DiskErrors.writing(e.cause, transfer.partFile());
        } catch (IOException e) {
          if (response != null) {
            response.abort();
          }
          transfer.checkNotCancelled();
          if (attempt >= transfer.maxAttempts() || e instanceof AddressPolicy.Refused) {
            throw HttpErrors.forIo(e, transfer.url(), attempt);
          }
          long lost = channel.size();
          if (lost > 0) {
            channel.truncate(0);
            transfer.events().restarted("the connection broke after " + lost
                + " bytes and this server cannot resume; starting over");
          }
          wait = Backoff.exponential(attempt + 1);
          reason = HttpErrors.describe(e) + " from " + transfer.url().getHost();
        } finally {
          if (response != null) {
            response.close();
          }
        }
        transfer.events().retrying(new RetryInfo(reason, attempt + 1, wait));
        transfer.sleep(wait);
      }
    } catch (IOException e) {
      throw DiskErrors.writing(e, transfer.partFile());
    }
  }

  private void checkLength(Response response) throws RemoteChangedException {
    long expected = transfer.size();
    if (expected >= 0 && response.contentLength() >= 0 && response.contentLength() != expected) {
      throw new RemoteChangedException("the server now sends " + response.contentLength()
          + " bytes instead of " + expected);
    }
  }

  private long copy(Response response, FileChannel channel, MessageDigest digest) throws IOException {
    ByteBuffer buf = response.prefersDirectBuffers() ? ByteBuffer.allocateDirect(BUFFER) : ByteBuffer.allocate(BUFFER);
    long pos = 0;
    while (true) {
      buf.clear();
      buf.limit((int) Math.min(buf.capacity(), transfer.maxRead()));
      int n = response.read(buf);
      if (n < 0) {
        break;
      }
      buf.flip();
      if (digest != null) {
        digest.update(buf.duplicate());
      }
      while (buf.hasRemaining()) {
        try {
          pos += channel.write(buf, pos);
        } catch (IOException e) {
          throw new WriteFailure(e);
        }
      }
      transfer.events().transferred(n);
    }
    long expected = transfer.size();
    if (expected >= 0 && pos != expected) {
      throw new EOFException("the body had " + pos + " bytes, expected " + expected);
    }
    return pos;
  }
}
