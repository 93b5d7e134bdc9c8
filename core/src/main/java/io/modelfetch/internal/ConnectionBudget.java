package io.modelfetch.internal;

import java.util.concurrent.Semaphore;

/**
 * The connections one download may hold across all its files. Each running file holds one for
 * its first connection (taken blocking); extra connections for splitting are taken only when free,
 * so small files of a repository get one each while large ones grow into what is left.
 */
public final class ConnectionBudget {
  private final Semaphore permits;

  ConnectionBudget(int connections) {
    this.permits = new Semaphore(connections);
  }

  void acquire() throws InterruptedException {
    permits.acquire();
  }

  /** Takes one more connection if one is free. */
  public boolean tryAcquire() {
    return permits.tryAcquire();
  }

  public void release() {
    permits.release();
  }
}
