package io.modelfetch.aria2;

import io.modelfetch.spi.RemoteFile;
import io.modelfetch.spi.ResolverContext;
import io.modelfetch.spi.ScopedHeader;
import io.modelfetch.spi.SourceRequest;
import io.modelfetch.spi.SourceResolver;
import java.net.URI;
import java.util.List;

/** A source like the real ones: {@code scoped:model} resolves to one file whose credential is scoped to some hosts. */
final class ScopedSource implements SourceResolver {
  static final String SOURCE = "scoped:model";

  private final URI url;
  private final ScopedHeader header;

  ScopedSource(URI url, ScopedHeader header) {
    this.url = url;
    this.header = header;
  }

  @Override
  public String name() {
    return "scoped";
  }

  @Override
  public boolean accepts(String source) {
    return source.equals(SOURCE);
  }

  @Override
  public List<RemoteFile> resolve(SourceRequest request, ResolverContext context) {
    return List.of(RemoteFile.builder(url).identity("scoped:model").fileName("model.bin").header(header).build());
  }
}
