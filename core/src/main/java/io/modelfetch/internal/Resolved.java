package io.modelfetch.internal;

import io.modelfetch.ResolvedFile;
import io.modelfetch.Secret;
import io.modelfetch.spi.RemoteFile;
import io.modelfetch.spi.SourceResolver;
import java.util.List;

/** A source's answer: the resolver that gave it and the files, kept so a download runs them without asking again. */
record Resolved(SourceResolver resolver, List<RemoteFile> files) {
  Resolved {
    files = List.copyOf(files);
  }

  /** The files as listeners and {@code resolve} callers see them, credentials redacted. */
  List<ResolvedFile> describe() {
    return files.stream().map(f -> new ResolvedFile(Secret.redact(f.url().toString()),
        f.relativePath().orElse(f.fileName().orElse(null)), f.size(), f.sha256().orElse(null), f.metadata()))
        .toList();
  }
}
