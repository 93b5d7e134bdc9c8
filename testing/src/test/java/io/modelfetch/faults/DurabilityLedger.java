package io.modelfetch.faults;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which bytes of each file were written, and which of them a {@code force} had made durable: what a
 * power cut or {@code kill -9} would keep. At each resume-state write it checks that every byte the
 * state claims was forced before the state was written; at each rename of a part into place, that
 * every byte written was forced. A checkpoint that claims unforced bytes is a crash-safety bug.
 */
final class DurabilityLedger {
  /** One checkpoint or final rename: what it claimed and how many of those bytes were not yet forced. */
  record Check(String what, long claimedBytes, long unforcedBytes) {
    @Override
    public String toString() {
      return what + ": " + claimedBytes + " bytes claimed, " + unforcedBytes + " not forced";
    }
  }

  private final Map<String, BitSet> written = new HashMap<>();
  private final Map<String, BitSet> forced = new HashMap<>();
  private final List<Check> checks = new ArrayList<>();

  /** {@code n} bytes were written at {@code position} of {@code file}. */
  synchronized void wrote(String file, long position, long n) {
    if (n > 0) {
      written.computeIfAbsent(file, f -> new BitSet()).set(Math.toIntExact(position), Math.toIntExact(position + n));
    }
  }

  /**
   * A force of {@code file} begins: what was written before it is durable once it returns. Writes
   * that race the force are not counted, which only makes the check stricter.
   */
  synchronized void forcing(String file) {
    forced.put(file, (BitSet) written.getOrDefault(file, new BitSet()).clone());
  }

  /** The file was truncated to {@code size}: bytes past it are gone, written or forced. */
  synchronized void truncated(String file, long size) {
    int from = Math.toIntExact(size);
    for (BitSet b : List.of(written.getOrDefault(file, new BitSet()), forced.getOrDefault(file, new BitSet()))) {
      b.clear(from, Math.max(from, b.length()));
    }
  }

  /** A resume state for {@code part} that claims the half-open {@code ranges} is being put in place. */
  synchronized void stateWritten(String part, List<long[]> ranges) {
    BitSet durable = forced.getOrDefault(part, new BitSet());
    long claimed = 0;
    long unforced = 0;
    for (long[] r : ranges) {
      claimed += r[1] - r[0];
      BitSet missing = new BitSet();
      missing.set(Math.toIntExact(r[0]), Math.toIntExact(r[1]));
      missing.andNot(durable);
      unforced += missing.cardinality();
    }
    checks.add(new Check("state of " + part + " #" + (checks.size() + 1), claimed, unforced));
  }

  /** {@code part} is being renamed into place: everything written to it must be durable. */
  synchronized void partMoved(String part) {
    BitSet missing = (BitSet) written.getOrDefault(part, new BitSet()).clone();
    long claimed = missing.cardinality();
    missing.andNot(forced.getOrDefault(part, new BitSet()));
    checks.add(new Check("rename of " + part, claimed, missing.cardinality()));
  }

  synchronized List<Check> checks() {
    return List.copyOf(checks);
  }
}
