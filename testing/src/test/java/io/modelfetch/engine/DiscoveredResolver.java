package io.modelfetch.engine;

import io.modelfetch.spi.RemoteFile;
import io.modelfetch.spi.ResolverContext;
import io.modelfetch.spi.SourceRequest;
import io.modelfetch.spi.SourceResolver;
import java.net.URI;
import java.util.List;

/** Listed in this module's test META-INF/services, between two broken entries. */
public final class DiscoveredResolver implements SourceResolver {
  @Override
  public String name() {
    return "discovered";
  }

  @Override
  public boolean accepts(String source) {
    return source.startsWith("discovered:");
  }

  @Override
  public List<RemoteFile> resolve(SourceRequest request, ResolverContext context) {
    return List.of(RemoteFile.builder(URI.create(request.source().substring("discovered:".length()))).build());
  }
}
