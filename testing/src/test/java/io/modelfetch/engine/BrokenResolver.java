package io.modelfetch.engine;

import io.modelfetch.spi.RemoteFile;
import io.modelfetch.spi.ResolverContext;
import io.modelfetch.spi.SourceRequest;
import io.modelfetch.spi.SourceResolver;
import java.util.List;

/** A plugin whose constructor fails, as a jar with a missing dependency would. */
public final class BrokenResolver implements SourceResolver {
  public BrokenResolver() {
    throw new IllegalStateException("this plugin is broken on purpose");
  }

  @Override
  public String name() {
    return "broken";
  }

  @Override
  public boolean accepts(String source) {
    return true;
  }

  @Override
  public List<RemoteFile> resolve(SourceRequest request, ResolverContext context) {
    return List.of();
  }
}
