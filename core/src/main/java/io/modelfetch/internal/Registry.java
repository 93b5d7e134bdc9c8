package io.modelfetch.internal;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every download of an engine by id: the live ones, and the most recent ended ones as history
 * (bounded, so a long-lived server does not grow without end).
 */
final class Registry {
  static final int HISTORY = 1000;

  private final Map<String, DownloadTask> byId = new ConcurrentHashMap<>();
  private final ArrayDeque<DownloadTask> ended = new ArrayDeque<>();
  private final AtomicLong sequence = new AtomicLong();
  private final SecureRandom random = new SecureRandom();

  /** A new id: 12 hex digits, random, so ids of different runs or instances do not collide in a UI. */
  String newId() {
    byte[] b = new byte[6];
    while (true) {
      random.nextBytes(b);
      String id = HexFormat.of().formatHex(b);
      if (!byId.containsKey(id)) {
        return id;
      }
    }
  }

  long nextSequence() {
    return sequence.incrementAndGet();
  }

  void add(DownloadTask task) {
    byId.put(task.id(), task);
  }

  DownloadTask get(String id) {
    return id == null ? null : byId.get(id);
  }

  /** All downloads, in submission order. */
  List<DownloadTask> all() {
    List<DownloadTask> all = new ArrayList<>(byId.values());
    all.sort(Comparator.comparingLong(DownloadTask::sequence));
    return all;
  }

  /** Makes new sequence numbers follow those of restored downloads. */
  void sequenceAtLeast(long value) {
    sequence.accumulateAndGet(value, Math::max);
  }

  void ended(DownloadTask task) {
    synchronized (ended) {
      ended.add(task);
      while (ended.size() > HISTORY) {
        byId.remove(ended.poll().id());
      }
    }
  }
}
