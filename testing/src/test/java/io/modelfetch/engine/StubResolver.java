package io.modelfetch.engine;

import io.modelfetch.spi.RemoteFile;
import io.modelfetch.spi.ResolverContext;
import io.modelfetch.spi.SourceRequest;
import io.modelfetch.spi.SourceResolver;
import java.util.List;
import java.util.function.Function;

/** A resolver for tests: accepts {@code stub:...} sources and maps them to files with a function. */
final class StubResolver implements SourceResolver {
  private final String name;
  private final Function<String, List<RemoteFile>> files;

  StubResolver(String name, Function<String, List<RemoteFile>> files) {
    this.name = name;
    this.files = files;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int priority() {
    return 5;
  }

  @Override
  public boolean accepts(String source) {
    return source.startsWith("stub:");
  }

  @Override
  public List<RemoteFile> resolve(SourceRequest request, ResolverContext context) {
    return files.apply(request.source());
  }
}
