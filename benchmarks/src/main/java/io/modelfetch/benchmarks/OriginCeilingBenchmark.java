package io.modelfetch.benchmarks;

import io.modelfetch.testing.FakeOrigin;
import io.modelfetch.testing.TestData;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Calibration, not a benchmark of modelfetch: a file like {@link SegmentedThroughputBenchmark}'s,
 * downloaded by {@link RawRangeClient}, the least a segmented client can do, from either origin:
 * {@code lean} ({@link LoopbackOrigin}, what the engine benchmarks use) or {@code fake}
 * ({@code FakeOrigin} from the testing module). If this does not reach the cap times the
 * connections, the origin (or the machine) is the limit, not the engine; the gap between this and
 * the engine's score is what the engine costs.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class OriginCeilingBenchmark {
  private static final String PATH = "/model.safetensors";

  @Param({"1", "16"})
  public int connections;

  @Param("64")
  public int sizeMiB;

  /** The origin's cap per connection in MiB/s; 0 serves at full speed. */
  @Param({"8", "0"})
  public int rateMiBps;

  @Param({"lean", "fake"})
  public String origin;

  @Param("/dev/shm")
  public String directory;

  private AutoCloseable server;
  private Scratch originFiles;
  private Scratch scratch;
  private RawRangeClient client;
  private Path target;
  private Path original;
  private long size;

  @Setup(Level.Trial)
  public void start() throws IOException {
    size = (long) sizeMiB << 20;
    long rate = (long) rateMiBps << 20;
    URI url;
    originFiles = Scratch.under(directory);
    original = originFiles.path().resolve("model.safetensors");
    if (origin.equals("fake")) {
      FakeOrigin fake = FakeOrigin.start();
      byte[] bytes = TestData.bytes(sizeMiB << 20, 42);
      Files.write(original, bytes);
      fake.file(PATH, bytes).throttle(rate);
      url = fake.uri(PATH);
      server = fake;
    } else {
      RandomFile.write(original, size, 42);
      LoopbackOrigin lean = LoopbackOrigin.start(rate);
      url = lean.serve(PATH, original);
      server = lean;
    }
    scratch = Scratch.under(directory);
    target = scratch.path().resolve("raw.bin");
    client = new RawRangeClient(url, connections);
  }

  @Benchmark
  public long download(Transferred transferred) throws IOException, InterruptedException {
    try (FileChannel file = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      client.download(size, file);
      if (file.size() != size) {
        throw new IllegalStateException("raw download wrote " + file.size() + " bytes, expected " + size);
      }
    }
    transferred.add(size, 1);
    return size;
  }

  /** Compares the download with the origin's bytes (outside the measured time), then deletes it. */
  @TearDown(Level.Invocation)
  public void checkAndDeleteDownload() throws IOException {
    try {
      if (Files.exists(target)) {
        Downloaded.sameBytes(target, original);
      }
    } finally {
      scratch.clear();
    }
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    client.close();
    server.close();
    scratch.close();
    originFiles.close();
  }
}
