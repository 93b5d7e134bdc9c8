package io.modelfetch.internal.jdk;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A byte range {@code [start, end)} of the file being fetched. {@code end} shrinks when an idle
 * connection steals the upper half; {@code frontier} is the end of the contiguous bytes written
 * from {@code start}. With a hedge, two connections write the same bytes and the frontier is the
 * furthest either has reached, so nothing is counted twice.
 */
final class Segment {
  final long start;
  private volatile long end;
  private final AtomicLong frontier;
  /** Guarded by the scheduler's lock. */
  int writers;
  /** Guarded by the scheduler's lock: whether a second connection already races this one. */
  boolean hedged;
  /** When the segment was handed to its first writer, and where its frontier was then; for speed estimates. */
  private volatile long assignedNanos;
  private volatile long assignedFrontier;

  Segment(long start, long end) {
    this.start = start;
    this.end = end;
    this.frontier = new AtomicLong(start);
  }

  void assigned() {
    assignedFrontier = frontier.get();
    assignedNanos = System.nanoTime();
  }

  /**
   * Bytes/s since the segment was assigned, or -1 while it has been running for less than
   * {@code minNanos} (a fresh connection has no meaningful speed yet).
   */
  long speed(long minNanos) {
    long elapsed = System.nanoTime() - assignedNanos;
    if (assignedNanos == 0 || elapsed < minNanos) {
      return -1;
    }
    return (frontier.get() - assignedFrontier) * 1_000_000_000L / elapsed;
  }

  long end() {
    return end;
  }

  /** Only the scheduler truncates, under its lock, and never below the frontier. */
  void truncate(long newEnd) {
    end = newEnd;
  }

  long frontier() {
    return frontier.get();
  }

  long remaining() {
    return Math.max(0, end - frontier.get());
  }

  boolean isDone() {
    return frontier.get() >= end;
  }

  /** Records bytes written up to {@code position}; returns by how much the frontier moved (0 if another writer was ahead). */
  long advance(long position) {
    position = Math.min(position, end);
    while (true) {
      long current = frontier.get();
      if (position <= current) {
        return 0;
      }
      if (frontier.compareAndSet(current, position)) {
        return position - current;
      }
    }
  }

  @Override
  public String toString() {
    return "[" + start + ", " + end + ") at " + frontier.get();
  }
}
