package io.modelfetch.internal;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.Metadata;
import io.modelfetch.Secret;
import io.modelfetch.spi.RemoteFile;
import io.modelfetch.spi.ResolverContext;
import io.modelfetch.spi.SourceRequest;
import io.modelfetch.spi.SourceResolver;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * Any plain http(s) URL, asked last. The file's name comes from the server (Content-Disposition)
 * or the URL's path; its identity is the URL with signature-like parameters masked, so a
 * re-signed link to the same file still resumes.
 */
public final class DirectUrlResolver implements SourceResolver {
  @Override
  public String name() {
    return "direct";
  }

  @Override
  public int priority() {
    return Integer.MIN_VALUE;
  }

  @Override
  public boolean accepts(String source) {
    String s = source.toLowerCase(Locale.ROOT);
    return s.startsWith("http://") || s.startsWith("https://");
  }

  @Override
  public List<RemoteFile> resolve(SourceRequest request, ResolverContext context) throws DownloadException {
    URI uri;
    try {
      uri = new URI(request.source());
    } catch (URISyntaxException e) {
      throw new DownloadException(Kind.INVALID_REQUEST, "not a valid URL: " + Secret.redact(request.source())
          + " (" + e.getReason() + "); quote it in the shell and percent-encode spaces");
    }
    if (uri.getHost() == null) {
      throw new DownloadException(Kind.INVALID_REQUEST, "URL has no host: " + Secret.redact(request.source()));
    }
    return List.of(RemoteFile.builder(uri)
        .identity(Secret.redact(uri.toString()))
        .metadata(Metadata.builder().source(name()).build())
        .build());
  }
}
