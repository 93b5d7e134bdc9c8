package io.modelfetch.internal;

import io.modelfetch.DownloadRequest;
import io.modelfetch.Secret;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Answers of {@code Downloads.resolve}, kept for a short while so that submitting the same request
 * right after ("download?" - "yes") does not ask the source's API again. An answer is taken once.
 */
final class ResolveCache {
  static final long TTL_NANOS = 120_000_000_000L;
  private static final int MAX_ENTRIES = 256;

  /** What makes two requests resolve the same: the source, its options, the folder and the tokens. */
  private record Key(String source, Map<String, String> options, Path directory, Path file,
      Map<String, Secret> tokens) {
    static Key of(DownloadRequest r) {
      return new Key(r.source(), r.options(), r.directory().orElse(null), r.file().orElse(null), r.tokens());
    }
  }

  private record Entry(Resolved resolved, long nanos) {
  }

  private final Map<Key, Entry> entries = new LinkedHashMap<>();

  synchronized void put(DownloadRequest request, Resolved resolved) {
    entries.remove(Key.of(request));
    entries.put(Key.of(request), new Entry(resolved, System.nanoTime()));
    if (entries.size() > MAX_ENTRIES) {
      entries.remove(entries.keySet().iterator().next());
    }
  }

  /** The answer for this request if it is fresh, removed from the cache. */
  synchronized Optional<Resolved> take(DownloadRequest request) {
    Entry e = entries.remove(Key.of(request));
    if (e == null || System.nanoTime() - e.nanos > TTL_NANOS) {
      return Optional.empty();
    }
    return Optional.of(e.resolved);
  }
}
