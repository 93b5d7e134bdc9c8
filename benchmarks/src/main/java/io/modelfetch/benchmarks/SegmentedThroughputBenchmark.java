package io.modelfetch.benchmarks;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.Downloads;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
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
 * One large file through the public API ({@code Downloads} with the {@code jdk} backend) from an
 * in-JVM origin ({@link LoopbackOrigin}) that caps every connection like a CDN does. The primary
 * score is downloads per second; the {@code mebibytes} counter is the same in MiB/s. With the
 * default cap of 8 MiB/s per connection the ceiling is {@code 8 x connections} MiB/s, so the score
 * says how close the engine gets to what the connections allow (ramp-up, probe, finish and work
 * stealing included).
 *
 * <p>Each operation is a complete download: probe, ranged GETs, positional writes, force, rename.
 * The file is deleted after each operation (outside the measured time), so every operation
 * downloads all bytes again. The {@code Downloads} instance lives for the whole trial, as it
 * does in a server, so idle keep-alive connections from one operation may serve the next.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class SegmentedThroughputBenchmark {
  private static final String PATH = "/model.safetensors";

  @Param({"1", "4", "8", "16"})
  public int connections;

  @Param({"64", "512"})
  public int sizeMiB;

  /** The origin's cap per connection in MiB/s; 0 serves at full speed. */
  @Param("8")
  public int rateMiBps;

  /** Whether the request carries the SHA-256, so the engine hashes while downloading (as for Hugging Face files). */
  @Param("false")
  public boolean sha256;

  /** Where files are written; a tmpfs, so the disk is not what is measured. */
  @Param("/dev/shm")
  public String directory;

  private LoopbackOrigin origin;
  private Scratch originFiles;
  private Scratch scratch;
  private Downloads downloads;
  private DownloadRequest request;
  private long size;
  private Path original;
  private DownloadResult last;

  @Setup(Level.Trial)
  public void start() throws IOException {
    size = (long) sizeMiB << 20;
    originFiles = Scratch.under(directory);
    Path file = originFiles.path().resolve("model.safetensors");
    String sha = RandomFile.write(file, size, 42);
    original = file;
    origin = LoopbackOrigin.start((long) rateMiBps << 20);
    URI url = origin.serve(PATH, file);
    scratch = Scratch.under(directory);
    downloads = Downloads.builder()
        .defaultBackend("jdk")
        .discoverPlugins(false)
        .sidecars(false)
        .connectionsPerFile(connections)
        .maxConnections(connections)
        .build();
    DownloadRequest plain = DownloadRequest.of(url.toString()).into(scratch.path());
    request = sha256 ? plain.sha256(sha) : plain;
  }

  @Benchmark
  public DownloadResult download(Transferred transferred) throws DownloadException, IOException {
    DownloadResult result = downloads.download(request);
    Downloaded.check(result, 1, size);
    transferred.add(size, 1);
    last = result;
    return result;
  }

  /** Compares the download with the origin's file byte for byte (outside the measured time), then deletes it. */
  @TearDown(Level.Invocation)
  public void checkAndDeleteDownload() throws IOException {
    try {
      if (last != null) {
        Downloaded.sameBytes(last.path(), original);
      }
    } finally {
      last = null;
      scratch.clear();
    }
  }

  @TearDown(Level.Trial)
  public void stop() {
    downloads.close();
    origin.close();
    scratch.close();
    originFiles.close();
  }
}
