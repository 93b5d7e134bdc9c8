package io.modelfetch.internal.jdk;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;

/**
 * Hands byte ranges to connections. At the start the missing ranges are split evenly over the
 * connections; after that a connection that runs out of work takes the upper half of the largest
 * range still being fetched (work stealing, as aria2 and axel do), so a slow connection never leaves
 * a long tail. When nothing is large enough to split, an idle connection races a connection that
 * is far slower than itself on the rest of its range (a hedge); whichever finishes first wins.
 */
final class Scheduler {
  /** No range is split below this: aria2's {@code -k1M}. Also the largest buffer a writer may use (see {@link #steal}). */
  static final long MIN_SPLIT = 1 << 20;
  /** A range is split only if its connection would need longer than this to finish it. */
  static final long STEAL_AFTER_NANOS = 1_000_000_000L;
  /** A range is hedged only if its connection would need longer than this to finish it. */
  static final long HEDGE_AFTER_NANOS = 1_000_000_000L;
  /** A connection's speed is judged only after it has run this long. */
  static final long HEDGE_OBSERVE_NANOS = 500_000_000L;

  private final long size;
  private final Deque<Segment> pending = new ArrayDeque<>();
  private final List<Segment> active = new ArrayList<>();
  /** Completed ranges as [start, end) pairs, kept sorted and merged. */
  private final List<long[]> completed = new ArrayList<>();
  /** The fastest any connection has been, in bytes/s: the yardstick for "far slower". */
  private long bestSpeed;

  /**
   * @param inOrder whether a hash follows the written prefix: the missing bytes are then handed
   *     out in order, in pieces of {@link #inOrderPiece}, so the prefix grows with the transfer and
   *     no second pass over the file is needed at the end; otherwise they are split evenly over
   *     the connections (fewest requests)
   */
  Scheduler(long size, List<long[]> alreadyCompleted, int connections, boolean inOrder) {
    this.size = size;
    for (long[] r : alreadyCompleted) {
      addCompleted(r[0], r[1]);
    }
    List<Segment> missing = new ArrayList<>();
    long pos = 0;
    for (long[] r : completed) {
      if (r[0] > pos) {
        missing.add(new Segment(pos, r[0]));
      }
      pos = r[1];
    }
    if (pos < size) {
      missing.add(new Segment(pos, size));
    }
    if (inOrder) {
      missing = pieces(missing, inOrderPiece(size, connections));
    }
    while (missing.size() < connections) {
      Segment largest = missing.stream().max(Comparator.comparingLong(s -> s.end() - s.start)).orElse(null);
      if (largest == null || largest.end() - largest.start < 2 * MIN_SPLIT) {
        break;
      }
      long mid = largest.start + (largest.end() - largest.start) / 2;
      int at = missing.indexOf(largest);
      missing.set(at, new Segment(largest.start, mid));
      missing.add(at + 1, new Segment(mid, largest.end()));
    }
    pending.addAll(missing);
  }

  /**
   * About an eighth of the file in flight across the connections (so at most that much is left to
   * hash when the last byte arrives), within 4..64 MiB per request.
   */
  static long inOrderPiece(long size, int connections) {
    return Math.max(4 * MIN_SPLIT, Math.min(64 * MIN_SPLIT, size / (8L * connections)));
  }

  private static List<Segment> pieces(List<Segment> ranges, long piece) {
    List<Segment> out = new ArrayList<>();
    for (Segment r : ranges) {
      for (long start = r.start; start < r.end(); start += piece) {
        out.add(new Segment(start, Math.min(r.end(), start + piece)));
      }
    }
    return out;
  }

  /** What a connection should fetch next, or null when there is nothing it can usefully do. */
  synchronized Assignment next(long workerSpeed) {
    bestSpeed = Math.max(bestSpeed, workerSpeed);
    Segment s = pending.pollFirst();
    if (s != null) {
      s.writers++;
      s.assigned();
      active.add(s);
      return new Assignment(s, s.frontier(), false);
    }
    Segment stolen = steal();
    if (stolen != null) {
      return new Assignment(stolen, stolen.start, false);
    }
    return hedge(workerSpeed);
  }

  private Segment steal() {
    Segment victim = null;
    for (Segment s : active) {
      if (worthSplitting(s) && (victim == null || s.remaining() > victim.remaining())) {
        victim = s;
      }
    }
    if (victim == null) {
      return null;
    }
    // mid is at least MIN_SPLIT past the frontier, and writers read at most MIN_SPLIT at a time,
    // so the victim's read in flight never crosses into the stolen half
    long mid = victim.frontier() + victim.remaining() / 2;
    Segment upper = new Segment(mid, victim.end());
    victim.truncate(mid);
    upper.writers++;
    upper.assigned();
    active.add(upper);
    return upper;
  }

  /**
   * Whether splitting a range saves time: it is large enough, and its connection would not finish
   * it within {@link #STEAL_AFTER_NANOS} anyway. Splitting a range about to end costs a request
   * (a new connection, as the victim must drop the rest of its response) and gains nothing.
   */
  private static boolean worthSplitting(Segment s) {
    if (s.hedged || s.isDone() || s.remaining() < 2 * MIN_SPLIT) {
      return false;
    }
    long speed = s.speed(HEDGE_OBSERVE_NANOS);
    return speed <= 0 || s.remaining() * 1_000_000_000L / speed > STEAL_AFTER_NANOS;
  }

  private Assignment hedge(long workerSpeed) {
    Segment best = hedgeCandidate(workerSpeed);
    if (best == null) {
      return null;
    }
    best.hedged = true;
    best.writers++;
    return new Assignment(best, best.frontier(), true);
  }

  /** The segment whose connection would take longest to finish and is far slower than {@code speed}, if any. */
  private Segment hedgeCandidate(long speedToBeat) {
    Segment best = null;
    long bestEta = 0;
    for (Segment s : active) {
      if (s.hedged || s.isDone() || s.writers != 1) {
        continue;
      }
      long speed = s.speed(HEDGE_OBSERVE_NANOS);
      if (speed < 0) {
        continue;
      }
      long eta = s.remaining() * 1_000_000_000L / Math.max(1, speed);
      boolean farSlower = speedToBeat <= 0 || speed * 2 < speedToBeat;
      if (eta > HEDGE_AFTER_NANOS && farSlower && eta > bestEta) {
        best = s;
        bestEta = eta;
      }
    }
    return best;
  }

  /**
   * Whether a new connection would have something to do: a range large enough to split, or one
   * so slow that racing it is worth a connection.
   */
  synchronized boolean needsAnotherConnection() {
    return hasSplittableWorkLocked() || hedgeCandidate(bestSpeed) != null;
  }

  /** A writer stops working on a segment (finished, or gave up on a hedge). */
  synchronized void release(Segment s) {
    s.writers--;
    if (s.isDone()) {
      if (active.remove(s)) {
        addCompleted(s.start, s.end());
      }
    } else if (s.writers == 0) {
      active.remove(s);
      pending.addFirst(new Segment(s.frontier(), s.end()));
      addCompleted(s.start, s.frontier());
    }
    notifyAll();
  }

  /** Whether a range is waiting or large enough to split. */
  synchronized boolean hasSplittableWork() {
    return hasSplittableWorkLocked();
  }

  private boolean hasSplittableWorkLocked() {
    if (!pending.isEmpty()) {
      return true;
    }
    for (Segment s : active) {
      if (worthSplitting(s)) {
        return true;
      }
    }
    return false;
  }

  synchronized boolean isComplete() {
    return pending.isEmpty() && active.isEmpty() && coveredLocked() >= size;
  }

  /** Completed ranges including the written part of segments in flight, merged and sorted. */
  synchronized List<long[]> completedRanges() {
    List<long[]> all = new ArrayList<>();
    completed.forEach(r -> all.add(r.clone()));
    for (Segment s : active) {
      if (s.frontier() > s.start) {
        all.add(new long[] {s.start, Math.min(s.frontier(), s.end())});
      }
    }
    return merge(all);
  }

  /** Bytes written from 0 without a gap: how far a streaming hash can go. */
  long contiguousPrefix() {
    List<long[]> ranges = completedRanges();
    return !ranges.isEmpty() && ranges.get(0)[0] == 0 ? ranges.get(0)[1] : 0;
  }

  synchronized long covered() {
    return coveredLocked();
  }

  private long coveredLocked() {
    long sum = 0;
    for (long[] r : completed) {
      sum += r[1] - r[0];
    }
    for (Segment s : active) {
      sum += Math.min(s.frontier(), s.end()) - s.start;
    }
    return sum;
  }

  /** Waits until a segment is released or the timeout passes. */
  synchronized void awaitChange(long millis) throws InterruptedException {
    wait(millis);
  }

  private void addCompleted(long start, long end) {
    if (end <= start) {
      return;
    }
    completed.add(new long[] {start, end});
    List<long[]> merged = merge(completed);
    completed.clear();
    completed.addAll(merged);
  }

  private static List<long[]> merge(List<long[]> ranges) {
    ranges.sort(Comparator.comparingLong(r -> r[0]));
    List<long[]> out = new ArrayList<>();
    for (long[] r : ranges) {
      if (!out.isEmpty() && out.get(out.size() - 1)[1] >= r[0]) {
        long[] last = out.get(out.size() - 1);
        last[1] = Math.max(last[1], r[1]);
      } else {
        out.add(r.clone());
      }
    }
    return out;
  }

  /** What a connection was given: a segment, where to start writing, and whether it is a hedge. */
  record Assignment(Segment segment, long from, boolean hedge) {
  }
}
