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
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Any plain http(s) URL, asked last. The file's name comes from the server (Content-Disposition)
 * or the URL's path; its identity is the URL without the parameters that change whenever a link
 * is signed again, so a re-signed link to the same file still resumes.
 */
final class DirectUrlResolver implements SourceResolver {
  private static final Pattern SIGNING_PARAMETER = Pattern.compile(
      "(?i)x-amz-(?:date|expires|signature|security-token|credential)|x-goog-(?:date|expires|signature|credential)"
          + "|expires|signature|policy|sig|se|st");

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
        .identity(identity(uri))
        .metadata(Metadata.builder().source(name()).build())
        .build());
  }
  /**
   * The URL without the parameters a presigning service changes every time it signs a link (the
   * date, expiry, policy and signature of S3 and its clones, GCS, CloudFront and Azure SAS), so that
   * a partial file fetched through one signed link resumes through the next; redacted, since it is
   * written into the resume state.
   */
  static String identity(URI uri) {
    String query = uri.getRawQuery();
    if (query == null) {
      return Secret.redact(uri.toString());
    }
    String kept = Arrays.stream(query.split("&"))
        .filter(p -> !SIGNING_PARAMETER.matcher(p.split("=", 2)[0]).matches())
        .collect(Collectors.joining("&"));
    String base = uri.toString().substring(0, uri.toString().indexOf('?'));
    String fragment = uri.getRawFragment() == null ? "" : "#" + uri.getRawFragment();
    return Secret.redact(base + (kept.isEmpty() ? "" : "?" + kept) + fragment);
  }

}
