package io.modelfetch.internal.jdk;

import io.modelfetch.DownloadException;
import io.modelfetch.internal.TransferImpl;
import io.modelfetch.internal.http.DataClient;
import io.modelfetch.spi.BackendContext;
import io.modelfetch.spi.DownloadBackend;
import io.modelfetch.spi.Transfer;
import io.modelfetch.spi.TransferResult;
import java.util.concurrent.ExecutorService;

/**
 * The built-in backend: HTTP/1.1 range requests on blocking JDK sockets, several connections per
 * file with work stealing, positional writes into the partial file, resume state beside it.
 */
public final class JdkBackend implements DownloadBackend {
  public static final String NAME = "jdk";

  private final DataClient data;
  private final ExecutorService threads;

  public JdkBackend(DataClient data, ExecutorService threads) {
    this.data = data;
    this.threads = threads;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean isAvailable(BackendContext context) {
    return true;
  }

  @Override
  public TransferResult transfer(Transfer transfer, BackendContext context) throws DownloadException {
    if (!(transfer instanceof TransferImpl)) {
      throw new IllegalArgumentException("the jdk backend runs transfers of its own engine only");
    }
    TransferImpl t = (TransferImpl) transfer;
    if (t.acceptsRanges() && t.size() > 0) {
      return new SegmentedTransfer(t, data, threads).run();
    }
    return new StreamTransfer(t, data).run();
  }
}
