package io.modelfetch;

import java.util.List;

/**
 * What a download would produce, learnt without transferring any file body: the answer of
 * {@link Downloads#resolve}. A UI shows it before committing to gigabytes:
 *
 * <pre>{@code
 * Resolution r = downloads.resolve(DownloadRequest.of("https://civitai.com/models/43331"));
 * Metadata m = r.files().get(0).metadata();
 * ui.ask(m.modelName().orElse("?") + ", " + m.baseModel().orElse("?") + ", " + r.totalSize() + " bytes, "
 *     + "trigger words " + m.trainedWords() + ": download?");
 * }</pre>
 *
 * @param source what was asked, with credentials redacted
 * @param resolver the source plugin that answered ({@code civitai}, {@code huggingface}, {@code direct}, ...)
 * @param backend the backend that would move the bytes ({@code jdk}, {@code aria2})
 * @param files the files, with names, sizes, published checksums and metadata as the source gave
 *     them; a plain URL's size and name are known only once the server is asked, so they are
 *     {@code -1} and {@code null} here
 */
public record Resolution(String source, String resolver, String backend, List<ResolvedFile> files) {

  public Resolution {
    files = List.copyOf(files);
  }

  /** The sum of the files' sizes, or {@code -1} when any is unknown. */
  public long totalSize() {
    long total = 0;
    for (ResolvedFile f : files) {
      if (f.size() < 0) {
        return -1;
      }
      total += f.size();
    }
    return total;
  }
}
