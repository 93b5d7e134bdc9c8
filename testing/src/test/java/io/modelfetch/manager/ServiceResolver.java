package io.modelfetch.manager;

import io.modelfetch.Metadata;
import io.modelfetch.spi.RemoteFile;
import io.modelfetch.spi.ResolverContext;
import io.modelfetch.spi.ScopedHeader;
import io.modelfetch.spi.SourceRequest;
import io.modelfetch.spi.SourceResolver;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A source for tests that behaves like a real service: it accepts {@code NAME:URL[,URL...]}, and
 * sends its context's token for service {@code NAME} as a bearer header scoped to the URLs' host,
 * as the CivitAI and Hugging Face sources do. Counts how often it was asked.
 */
final class ServiceResolver implements SourceResolver {
  private final String name;
  private final String host;
  final AtomicInteger calls = new AtomicInteger();

  ServiceResolver(String name, String host) {
    this.name = name;
    this.host = host;
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
    return source.startsWith(name + ":");
  }

  @Override
  public List<RemoteFile> resolve(SourceRequest request, ResolverContext context) {
    calls.incrementAndGet();
    List<RemoteFile> files = new ArrayList<>();
    for (String url : request.source().substring(name.length() + 1).split(",")) {
      URI uri = URI.create(url);
      RemoteFile.Builder b = RemoteFile.builder(uri)
          .relativePath(uri.getPath().substring(1))
          .metadata(Metadata.builder().source(name).modelName("model " + uri.getPath()).build());
      context.token(name).ifPresent(t -> b.header(ScopedHeader.bearer(t, host)));
      files.add(b.build());
    }
    return files;
  }
}
