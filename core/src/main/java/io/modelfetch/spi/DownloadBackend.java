package io.modelfetch.spi;

import io.modelfetch.DownloadException;

/**
 * Moves the bytes of one resolved file into its partial file. The engine does everything around
 * it: resolving, naming, locking, checking free space, verifying and moving into place.
 *
 * <p>Implementations are discovered with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/io.modelfetch.spi.DownloadBackend}); each {@code Downloads} instance
 * loads its own instances and {@linkplain #close() closes} them when it closes. The built-in
 * backend is {@code jdk}. With backend {@code auto}, the engine uses the available backend of
 * highest {@link #priority()}.
 *
 * <p>Every backend subclasses the contract test in {@code modelfetch-testing}
 * ({@code BackendContractTest}).
 */
public interface DownloadBackend extends AutoCloseable {
  /** A short lower-case name ({@code jdk}, {@code aria2}), as used by {@code --backend}. */
  String name();

  /** Used by backend {@code auto}: the available backend with the highest priority wins. The JDK backend has 0. */
  default int priority() {
    return 0;
  }

  /** Whether this backend can run here (its executable found, for example). May be called often; cache the answer. */
  boolean isAvailable(BackendContext context);

  /**
   * Transfers the file into {@link Transfer#partFile()}, resuming what an earlier attempt of the
   * same backend left there when it can. Returns when every byte is on disk (forced), or throws.
   * Must return promptly once {@link Transfer#isCancelled()} turns true.
   */
  TransferResult transfer(Transfer transfer, BackendContext context) throws DownloadException;

  /** Releases what the backend holds (a daemon process, threads). The default does nothing. */
  @Override
  default void close() {
  }
}
