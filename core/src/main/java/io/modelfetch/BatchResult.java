package io.modelfetch;

import java.util.List;

/**
 * The outcome of a batch: one {@link Item} per request, in the order of the requests.
 *
 * @param items every item, with its result or its error
 */
public record BatchResult(List<Item> items) {

  public BatchResult {
    items = List.copyOf(items);
  }

  /**
   * One download of the batch.
   *
   * @param id the download's id
   * @param request what was asked
   * @param result the result, or {@code null} when it failed or was cancelled
   * @param error why it failed or was cancelled, or {@code null} when it succeeded
   */
  public record Item(String id, DownloadRequest request, DownloadResult result, DownloadException error) {
    public boolean succeeded() {
      return error == null;
    }
  }

  /** Whether every item succeeded. */
  public boolean allSucceeded() {
    return items.stream().allMatch(Item::succeeded);
  }

  /** The items that failed or were cancelled. */
  public List<Item> failures() {
    return items.stream().filter(i -> !i.succeeded()).toList();
  }
}
