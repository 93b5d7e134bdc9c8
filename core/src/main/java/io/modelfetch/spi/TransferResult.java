package io.modelfetch.spi;

/**
 * What a backend reports when a transfer is complete.
 *
 * @param size bytes in the partial file
 * @param sha256 the SHA-256 of the whole file (lower-case hex) when the backend computed it while
 *     transferring, else {@code null} and the engine hashes the file itself when it needs to
 * @param resumed whether part of the file came from an earlier attempt
 */
public record TransferResult(long size, String sha256, boolean resumed) {
}
