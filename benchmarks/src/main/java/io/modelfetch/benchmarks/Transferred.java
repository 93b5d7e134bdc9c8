package io.modelfetch.benchmarks;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the measured operations moved, reported by JMH next to the primary score as rates:
 * {@code mebibytes} in MiB/s and {@code files} in files/s (over the measured time of each
 * iteration, so they read directly as throughput).
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Transferred {
  /** MiB written to verified, complete files. */
  public double mebibytes;
  /** Complete files. */
  public long files;

  @Setup(Level.Iteration)
  public void reset() {
    mebibytes = 0;
    files = 0;
  }

  void add(long bytes, int fileCount) {
    mebibytes += bytes / (1024.0 * 1024.0);
    files += fileCount;
  }
}
