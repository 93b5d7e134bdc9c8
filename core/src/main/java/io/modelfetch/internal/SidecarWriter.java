package io.modelfetch.internal;

import io.modelfetch.AddressPolicy;
import io.modelfetch.Secret;
import io.modelfetch.internal.file.FileErrors;
import io.modelfetch.internal.file.FileNames;
import io.modelfetch.internal.file.NoFollowFiles;
import io.modelfetch.spi.RemoteFile;
import io.modelfetch.spi.Sidecar;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Writes a resolver's sidecar files beside a finished model. Each is written atomically; a
 * sidecar that fails becomes a notice, never a failed download (the model itself is fine).
 */
final class SidecarWriter {
  private static final int MAX_SIDECAR_BYTES = 32 * 1024 * 1024;
  private static final int MAX_REDIRECTS = 5;

  private final Supplier<HttpClient> client;
  private final String userAgent;
  private final boolean enabled;
  private final AddressPolicy addressPolicy;

  SidecarWriter(Supplier<HttpClient> client, String userAgent, boolean enabled, AddressPolicy addressPolicy) {
    this.client = client;
    this.addressPolicy = addressPolicy;
    this.userAgent = userAgent;
    this.enabled = enabled;
  }

  List<Path> write(Path model, RemoteFile file, DownloadTask task) {
    boolean on = task.request().sidecars().orElse(enabled);
    List<Path> written = new ArrayList<>();
    if (!on) {
      return written;
    }
    String base = FileNames.baseName(model.getFileName().toString());
    for (Sidecar sidecar : file.sidecars()) {
      Path path = model.resolveSibling(base + sidecar.suffix());
      try {
        NoFollowFiles.refuseLink(path);
        if (Files.exists(path) && !sidecar.overwrite()) {
          continue;
        }
        byte[] bytes = sidecar.content() != null ? sidecar.content() : fetch(sidecar.url());
        NoFollowFiles.writeAtomically(path, path.resolveSibling(path.getFileName() + ".tmp"), bytes);
        written.add(path);
      } catch (IOException e) {
        task.notice("could not write " + path.getFileName() + ": " + Secret.redact(FileErrors.cause(e)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return written;
      }
    }
    return written;
  }

  /** GETs a sidecar's content without any credentials, following a few redirects. */
  private byte[] fetch(URI url) throws IOException, InterruptedException {
    URI uri = url;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      addressPolicy.check(uri);
      HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
          .header("User-Agent", userAgent).GET().build();
      HttpResponse<InputStream> response = client.get().send(request, HttpResponse.BodyHandlers.ofInputStream());
      int status = response.statusCode();
      if (status / 100 == 3 && response.headers().firstValue("Location").isPresent()) {
        response.body().close();
        uri = uri.resolve(response.headers().firstValue("Location").get());
        continue;
      }
      try (InputStream in = response.body()) {
        if (status != 200) {
          throw new IOException("HTTP " + status + " from " + Secret.redact(uri.toString()));
        }
        byte[] bytes = in.readNBytes(MAX_SIDECAR_BYTES + 1);
        if (bytes.length > MAX_SIDECAR_BYTES) {
          throw new IOException("larger than " + MAX_SIDECAR_BYTES + " bytes: " + Secret.redact(uri.toString()));
        }
        return bytes;
      }
    }
    throw new IOException("too many redirects for " + Secret.redact(url.toString()));
  }
}
