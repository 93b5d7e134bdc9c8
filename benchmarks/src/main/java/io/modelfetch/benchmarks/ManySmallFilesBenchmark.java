package io.modelfetch.benchmarks;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.DownloadedFile;
import io.modelfetch.Downloads;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * A repository's worth of small files (by default 200 of 64 KiB: configs, tokenizer files) as
 * one download: a resolver returns all of them, as a Hugging Face snapshot does, and the engine
 * fetches them under its default limits (8 files at a time, 16 connections). What is measured is
 * the per-file cost: probe, lock, part file, force, rename. The {@code files} counter is in
 * files/s; the primary score is whole repositories per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class ManySmallFilesBenchmark {
  @Param("200")
  public int files;

  @Param("64")
  public int sizeKiB;

  /** The origin's cap per connection in MiB/s; 0 serves at full speed. */
  @Param("8")
  public int rateMiBps;

  /** Files of the download in flight at once ({@code Downloads.Builder#maxConcurrentFiles}); 8 is the default. */
  @Param("8")
  public int concurrentFiles;

  @Param("/dev/shm")
  public String directory;

  private LoopbackOrigin origin;
  private Scratch originFiles;
  private Scratch scratch;
  private Downloads downloads;
  private DownloadRequest request;
  private long size;
  private DownloadResult last;

  @Setup(Level.Trial)
  public void start() throws IOException {
    size = (long) sizeKiB << 10;
    originFiles = Scratch.under(directory);
    origin = LoopbackOrigin.start((long) rateMiBps << 20);
    List<URI> urls = new ArrayList<>();
    for (int i = 0; i < files; i++) {
      String name = String.format("file-%03d.json", i);
      Path file = originFiles.path().resolve(name);
      RandomFile.write(file, size, i);
      urls.add(origin.serve("/repo/" + name, file));
    }
    scratch = Scratch.under(directory);
    downloads = Downloads.builder()
        .defaultBackend("jdk")
        .discoverPlugins(false)
        .sidecars(false)
        .maxConcurrentFiles(concurrentFiles)
        .resolver(new RepositoryResolver(urls, size))
        .build();
    request = DownloadRequest.of(RepositoryResolver.SOURCE).into(scratch.path());
  }

  @Benchmark
  public DownloadResult downloadRepository(Transferred transferred) throws DownloadException, IOException {
    DownloadResult result = downloads.download(request);
    Downloaded.check(result, files, size);
    transferred.add(size * files, files);
    last = result;
    return result;
  }

  /** Compares every downloaded file with the origin's (outside the measured time), then deletes them. */
  @TearDown(Level.Invocation)
  public void checkAndDeleteDownloads() throws IOException {
    try {
      if (last != null) {
        for (DownloadedFile f : last.files()) {
          Downloaded.sameBytes(f.path(), originFiles.path().resolve(f.path().getFileName()));
        }
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
