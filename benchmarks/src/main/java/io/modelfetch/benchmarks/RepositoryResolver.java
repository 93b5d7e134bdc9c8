package io.modelfetch.benchmarks;

import io.modelfetch.spi.RemoteFile;
import io.modelfetch.spi.ResolverContext;
import io.modelfetch.spi.SourceRequest;
import io.modelfetch.spi.SourceResolver;
import java.net.URI;
import java.util.List;

/**
 * Resolves {@code bench:repository} into a fixed list of files, the way a Hugging Face snapshot
 * resolves a repository into its configs, tokenizer files and weights: one request, many files,
 * sizes known up front.
 */
final class RepositoryResolver implements SourceResolver {
  static final String SOURCE = "bench:repository";

  private final List<RemoteFile> files;

  RepositoryResolver(List<URI> urls, long size) {
    this.files = urls.stream()
        .map(u -> RemoteFile.builder(u).fileName(u.getPath().substring(u.getPath().lastIndexOf('/') + 1)).size(size)
            .build())
        .toList();
  }

  @Override
  public String name() {
    return "bench";
  }

  @Override
  public boolean accepts(String source) {
    return source.equals(SOURCE);
  }

  @Override
  public List<RemoteFile> resolve(SourceRequest request, ResolverContext context) {
    return files;
  }
}
