package io.modelfetch.internal;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadRequest;
import io.modelfetch.ResolvedFile;
import io.modelfetch.Secret;
import io.modelfetch.spi.RemoteFile;
import io.modelfetch.spi.SourceRequest;
import io.modelfetch.spi.SourceResolver;
import java.nio.file.Path;
import java.util.List;

/** A source's answer: the resolver that gave it and the files, kept so a download runs them without asking again. */
record Resolved(SourceResolver resolver, List<RemoteFile> files) {
  Resolved {
    files = List.copyOf(files);
  }

  /** Asks the task's source for the files; a cancel or pause interrupts the call (no file channel is open yet). */
  static Resolved ask(DownloadTask task) throws DownloadException {
    DownloadRequest request = task.request();
    Cancellation cancellation = task.cancellation();
    SourceResolver resolver = task.engine().resolverFor(request.source());
    Path dir = request.directory().map(d -> d.toAbsolutePath().normalize()).orElse(null);
    if (dir == null && request.file().isEmpty()) {
      dir = Path.of("").toAbsolutePath();
    }
    Thread me = Thread.currentThread();
    boolean[] resolving = {true};
    Cancellation.Registration interrupt = cancellation.onCancel(() -> {
      synchronized (resolving) {
        if (resolving[0]) {
          me.interrupt(); // only while resolving: no file channel is open that an interrupt would close
        }
      }
    });
    try {
      task.checkNotCancelled();
      var files = resolver.resolve(new SourceRequest(request.source(), request.options(), dir), task.control());
      return new Resolved(resolver, RequestExpectations.apply(request, files));
    } finally {
      interrupt.close();
      synchronized (resolving) {
        resolving[0] = false;
        Thread.interrupted(); // clear an interrupt from a cancel that arrived as resolution ended
      }
      task.checkNotCancelled();
    }
  }

  /** The files as listeners and {@code resolve} callers see them, credentials redacted. */
  List<ResolvedFile> describe() {
    return files.stream().map(f -> new ResolvedFile(Secret.redact(f.url().toString()),
        f.relativePath().orElse(f.fileName().orElse(null)), f.size(), f.sha256().orElse(null), f.metadata()))
        .toList();
  }
}
