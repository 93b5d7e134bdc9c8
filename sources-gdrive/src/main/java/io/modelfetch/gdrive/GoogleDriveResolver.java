package io.modelfetch.gdrive;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.Metadata;
import io.modelfetch.gdrive.DriveClient.DriveFile;
import io.modelfetch.gdrive.DriveLink.Type;
import io.modelfetch.spi.RemoteFile;
import io.modelfetch.spi.ResolverContext;
import io.modelfetch.spi.SourceRequest;
import io.modelfetch.spi.SourceResolver;
import java.net.URI;
import java.util.List;

/**
 * Downloads files and shared folders from Google Drive, without a Google account.
 *
 * <h2>What it accepts</h2>
 * URLs on {@code drive.google.com}, {@code docs.google.com} and {@code drive.usercontent.google.com}:
 * a file's share link {@code /file/d/ID/view} (also {@code /edit}, {@code /preview},
 * {@code /file/u/N/d/ID/...}, any {@code ?usp=}), {@code /open?id=ID}, {@code /uc?id=ID&export=download}
 * (also on docs.google.com and under {@code /a/DOMAIN/}), {@code /download?id=ID} and {@code /u/N/uc?id=ID} on
 * drive.usercontent.google.com, each with an optional {@code resourcekey=}; and a folder's link
 * {@code /drive/folders/ID} (also {@code /drive/u/N/folders/ID}, {@code /embeddedfolderview?id=ID}).
 * Google Docs, Sheets and Slides ({@code docs.google.com/document/d/ID/...}) are not files and are
 * refused with {@code UNSUPPORTED_SOURCE}.
 *
 * <pre>{@code
 * try (Downloads downloads = Downloads.builder().build()) {
 *   DownloadResult r = downloads.download(
 *       DownloadRequest.of("https://drive.google.com/file/d/1AbC.../view?usp=sharing").into(Path.of("models")));
 * }
 * }</pre>
 *
 * <h2>How it resolves</h2>
 * Like gdown: {@code GET https://drive.google.com/uc?id=ID&export=download}, redirects followed. A
 * response with {@code Content-Disposition} is the file (small files). For large files Drive
 * answers with its virus-scan warning page instead; its {@code download-form}'s action with every
 * hidden input ({@code id}, {@code export}, {@code confirm}, {@code uuid}, and {@code at} or
 * {@code authuser} when present) is the file's URL on drive.usercontent.google.com. The engine gets
 * that URL, the size and the name from {@code Content-Disposition}; when the link goes stale mid-download
 * the confirmation is read again for a fresh one. An HTML page is never handed on as the file.
 * A folder is listed through {@code /embeddedfolderview?id=ID} and each file resolved the same
 * way, below a folder of the folder's name.
 *
 * <h2>Errors</h2>
 * Drive's quota page ("Too many users have viewed or downloaded this file recently") fails with
 * {@code QUOTA_EXCEEDED}; Google's sign-in page with {@code AUTHENTICATION_REQUIRED} (the file is not
 * shared as "Anyone with the link"); a refusal with {@code ACCESS_DENIED}; a missing file with
 * {@code NOT_FOUND}. Each message says what to do.
 *
 * <h2>Endpoint</h2>
 * The builder's {@code endpoint("gdrive", url)}, else env {@code GDRIVE_ENDPOINT}: every request for
 * drive.google.com, docs.google.com or drive.usercontent.google.com, including the URLs Drive's
 * pages and redirects name, then goes to that one base URL with its path and query kept.
 */
public final class GoogleDriveResolver implements SourceResolver {
  /** The resolver's name, and its key for {@code endpoint(...)} on the builder. */
  public static final String NAME = "gdrive";
  private static final String IDENTITY = "gdrive:file:";

  /** Discovered by {@link java.util.ServiceLoader}; may also be registered on the builder. */
  public GoogleDriveResolver() {
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Above the default so that Drive links never fall through to the plain-URL resolver, which would save a page. */
  @Override
  public int priority() {
    return 100;
  }

  @Override
  public boolean accepts(String source) {
    return DriveLink.accepts(source);
  }

  @Override
  public List<RemoteFile> resolve(SourceRequest request, ResolverContext context) throws DownloadException {
    DriveLink link = DriveLink.parse(request.source());
    DriveClient client = new DriveClient(context, DriveEndpoint.of(context));
    if (link.type() == Type.FOLDER) {
      return new FolderWalk(client, context).files(link);
    }
    if (link.type() != Type.FILE) {
      throw new DownloadException(Kind.UNSUPPORTED_SOURCE, "the link names a " + link.type().label + " ("
          + link.id() + "), not a file stored in Drive, so there is nothing to download as is: export it in its"
          + " editor (File > Download), or ask its owner for a share link of the file itself");
    }
    URI start = client.endpoint().fileStart(link);
    return List.of(remoteFile(client.file(link, start), link, start).build());
  }

  /** Reads the confirmation again: its {@code uuid} may no longer be accepted. */
  @Override
  public URI refresh(RemoteFile file, ResolverContext context) throws DownloadException {
    String id = file.identity().startsWith(IDENTITY) ? file.identity().substring(IDENTITY.length()) : "?";
    DriveClient client = new DriveClient(context, DriveEndpoint.of(context));
    return client.file(new DriveLink(Type.FILE, id, null), file.refreshUrl()).url();
  }

  /** What the engine gets for a file Drive is ready to serve; {@code start} yields a fresh confirmation. */
  static RemoteFile.Builder remoteFile(DriveFile found, DriveLink link, URI start) {
    RemoteFile.Builder b = RemoteFile.builder(found.url())
        .refreshUrl(start)
        .identity(IDENTITY + link.id())
        .size(found.size())
        .metadata(Metadata.builder().source(NAME).pageUrl(link.webPage()).attribute("gdrive.fileId", link.id())
            .build());
    if (found.fileName() != null) {
      b.fileName(found.fileName());
    }
    return b;
  }
}
