package io.modelfetch;

/**
 * One file of a download as a progress view shows it (a file of a Hugging Face repository or of a
 * Drive folder).
 *
 * @param name the file's name, or its path inside the repository or folder; {@code null} while the
 *     server has not named it yet
 * @param bytesDone bytes of it on disk
 * @param size its size in bytes, or {@code -1} while unknown
 * @param state {@code QUEUED} (not started), {@code DOWNLOADING}, {@code VERIFYING},
 *     {@code COMPLETED}, {@code FAILED}, or {@code PAUSED} while its download is paused
 */
public record FileProgress(String name, long bytesDone, long size, DownloadState state) {
}
