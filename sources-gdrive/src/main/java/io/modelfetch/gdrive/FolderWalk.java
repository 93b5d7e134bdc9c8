package io.modelfetch.gdrive;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.gdrive.DriveClient.DriveFile;
import io.modelfetch.gdrive.DriveLink.Type;
import io.modelfetch.gdrive.FolderListing.Child;
import io.modelfetch.spi.RemoteFile;
import io.modelfetch.spi.ResolverContext;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The files of a shared folder and of its subfolders, breadth first, each resolved like a single
 * file and placed at {@code FOLDER/SUB/NAME} below the target folder, as gdown lays them out.
 * Google Docs, Sheets and Slides in it are skipped with a notice. Subfolders are listed once each
 * (a shortcut cannot make it loop), and a tree beyond {@link #MAX_FILES} files is refused rather
 * than resolved for minutes.
 */
final class FolderWalk {
  static final int MAX_FILES = 1000;
  private static final int MAX_DEPTH = 20;

  private final DriveClient client;
  private final ResolverContext context;

  FolderWalk(DriveClient client, ResolverContext context) {
    this.client = client;
    this.context = context;
  }

  private record Pending(DriveLink folder, String parent, int depth) {
  }

  List<RemoteFile> files(DriveLink root) throws DownloadException {
    List<RemoteFile> files = new ArrayList<>();
    Deque<Pending> pending = new ArrayDeque<>();
    Set<String> listed = new HashSet<>();
    pending.add(new Pending(root, "", 0));
    listed.add(root.id());
    int skipped = 0;
    while (!pending.isEmpty()) {
      Pending p = pending.poll();
      FolderListing listing = FolderListing.parse(client.page(p.folder(), client.endpoint().folderListing(p.folder())));
      String path = p.parent() + segment(listing.name().isEmpty() ? p.folder().id() : listing.name());
      Set<String> names = new HashSet<>();
      for (Child child : listing.children()) {
        DriveLink link = child.link();
        if (link.type() == Type.FOLDER) {
          if (p.depth() < MAX_DEPTH && listed.add(link.id())) {
            pending.add(new Pending(link, path + "/", p.depth() + 1));
          }
        } else if (link.type() != Type.FILE) {
          skipped++;
          context.notice("skipping '" + child.name() + "' in Google Drive folder " + path + ": it is a "
              + link.type().label + ", not a file; export it in its editor (File > Download) if you need it");
        } else {
          if (files.size() >= MAX_FILES) {
            throw new DownloadException(Kind.INVALID_REQUEST, "Google Drive folder " + root.id() + " holds more than "
                + MAX_FILES + " files; download its subfolders one by one");
          }
          URI start = client.endpoint().fileStart(link);
          DriveFile found = client.file(link, start);
          String name = child.name().isBlank() && found.fileName() != null ? found.fileName() : child.name();
          files.add(GoogleDriveResolver.remoteFile(found, link, start)
              .relativePath(path + "/" + unique(segment(name.isBlank() ? link.id() : name), link.id(), names))
              .build());
        }
      }
    }
    if (files.isEmpty()) {
      throw new DownloadException(Kind.NOT_FOUND, "Google Drive folder " + root.id() + " has no files to download"
          + (skipped > 0 ? " (only " + skipped + " Google Docs, Sheets or Slides, which are not files)" : "")
          + "; check the link: " + root.webPage());
    }
    return files;
  }

  /** One path segment: gdown's sanitiser, so a name never adds folders; the engine sanitises further. */
  static String segment(String name) {
    String s = name.replace("\0", "").replaceAll("[/\\\\]", "_").strip();
    return s.isEmpty() || s.equals(".") || s.equals("..") ? "_" : s;
  }

  /** Drive allows two files of one name in a folder; the later ones get their id before the extension. */
  private static String unique(String name, String id, Set<String> names) {
    if (names.add(name.toLowerCase(Locale.ROOT))) {
      return name;
    }
    int dot = name.lastIndexOf('.');
    String renamed = dot > 0 ? name.substring(0, dot) + "_" + id + name.substring(dot) : name + "_" + id;
    names.add(renamed.toLowerCase(Locale.ROOT));
    return renamed;
  }
}
