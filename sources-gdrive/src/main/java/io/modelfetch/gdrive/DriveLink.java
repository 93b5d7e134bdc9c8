package io.modelfetch.gdrive;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.Secret;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a Google Drive URL points at, read from the URL alone (research B1 and its test vectors).
 *
 * <p>Path forms win over the query: {@code /file/[u/N/]d/ID[/view|/edit|/preview]},
 * {@code /drive/[u/N/]folders/ID}, {@code /{document|spreadsheets|presentation}/[u/N/]d/ID/...}.
 * Otherwise {@code /uc}, {@code /open}, {@code /download} (also under {@code /a/DOMAIN/} and
 * {@code /u/N/}) and {@code /embeddedfolderview} name the id in exactly one {@code id=}; two ids
 * are refused, as gdown does, rather than guessing.
 *
 * @param type what the id names
 * @param id the Drive id of the file, folder or document
 * @param resourceKey the {@code resourcekey=} that links shared before 2021 need, or {@code null}
 */
record DriveLink(Type type, String id, String resourceKey) {
  /** The hosts whose URLs are Drive's; {@code drive.usercontent.google.com} is where the bytes come from. */
  static final Set<String> HOSTS = Set.of("drive.google.com", "docs.google.com", "drive.usercontent.google.com");

  private static final Pattern FILE_PATH = Pattern.compile("/file/(?:u/\\d+/)?d/([^/]+)(?:/(?:view|edit|preview))?/?");
  private static final Pattern FOLDER_PATH = Pattern.compile("/drive/(?:u/\\d+/)?(?:mobile/)?folders/([^/]+)/?");
  private static final Pattern EDITOR_PATH = Pattern.compile(
      "/(document|spreadsheets|presentation)/(?:u/\\d+/)?d/([^/]+)(?:/.*)?");
  private static final Pattern ID_IN_QUERY_PATH = Pattern.compile("(?:/a/[^/]+)?(?:/u/\\d+)?/(uc|open|download)/?");
  private static final Pattern FOLDER_VIEW_PATH = Pattern.compile("/(?:embedded)?folderview/?");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,200}");
  private static final String FORMS = "use a file's share link (https://drive.google.com/file/d/ID/view), "
      + "https://drive.google.com/uc?id=ID&export=download, https://drive.google.com/open?id=ID, "
      + "https://drive.usercontent.google.com/download?id=ID, or a folder's link "
      + "(https://drive.google.com/drive/folders/ID)";

  /** What a Drive id names. */
  enum Type {
    FILE("file"),
    FOLDER("folder"),
    DOCUMENT("Google Docs document"),
    SPREADSHEET("Google Sheets spreadsheet"),
    PRESENTATION("Google Slides presentation");

    final String label;

    Type(String label) {
      this.label = label;
    }
  }

  /** Whether this is a URL on one of Drive's hosts; cheap, no network. */
  static boolean accepts(String source) {
    try {
      URI uri = new URI(source.strip());
      return isHttp(uri) && uri.getHost() != null && HOSTS.contains(uri.getHost().toLowerCase(Locale.ROOT));
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** Reads a Drive URL; fails with {@code UNSUPPORTED_SOURCE} or {@code INVALID_REQUEST} saying which forms work. */
  static DriveLink parse(String source) throws DownloadException {
    URI uri;
    try {
      uri = new URI(source.strip());
    } catch (URISyntaxException e) {
      throw new DownloadException(Kind.INVALID_REQUEST, "'" + Secret.redact(source) + "' is not a valid URL ("
          + e.getReason() + "); " + FORMS);
    }
    if (!accepts(source)) {
      throw unsupported(source, "it is not on drive.google.com, docs.google.com or drive.usercontent.google.com");
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    List<String> ids = parameter(uri, "id");
    List<String> keys = parameter(uri, "resourcekey");
    String key = keys.isEmpty() || keys.get(0).isBlank() ? null : keys.get(0);
    Matcher m;
    if ((m = FILE_PATH.matcher(path)).matches()) {
      return link(Type.FILE, decode(m.group(1)), key, source);
    }
    if ((m = FOLDER_PATH.matcher(path)).matches()) {
      return link(Type.FOLDER, decode(m.group(1)), key, source);
    }
    if ((m = EDITOR_PATH.matcher(path)).matches()) {
      Type type = switch (m.group(1)) {
        case "document" -> Type.DOCUMENT;
        case "spreadsheets" -> Type.SPREADSHEET;
        default -> Type.PRESENTATION;
      };
      return link(type, decode(m.group(2)), key, source);
    }
    boolean folderView = FOLDER_VIEW_PATH.matcher(path).matches();
    if (!folderView && !ID_IN_QUERY_PATH.matcher(path).matches()) {
      throw unsupported(source, "it does not name a file or a folder");
    }
    if (ids.size() != 1) {
      throw new DownloadException(Kind.INVALID_REQUEST, Secret.redact(source) + " names "
          + (ids.isEmpty() ? "no id" : ids.size() + " ids") + "; a Drive link needs exactly one id=: " + FORMS);
    }
    return link(folderView ? Type.FOLDER : Type.FILE, ids.get(0), key, source);
  }

  /** The page a person opens in a browser to see this file or folder, for messages. */
  String webPage() {
    return type == Type.FOLDER ? "https://drive.google.com/drive/folders/" + id
        : "https://drive.google.com/file/d/" + id + "/view";
  }

  private static DriveLink link(Type type, String id, String key, String source) throws DownloadException {
    if (!ID.matcher(id).matches() || key != null && !ID.matcher(key).matches()) {
      throw new DownloadException(Kind.INVALID_REQUEST, Secret.redact(source) + " has an id with characters Drive"
          + " ids never contain; check that the link was copied whole");
    }
    return new DriveLink(type, id, key);
  }

  /** The decoded values of one query parameter, in order. */
  private static List<String> parameter(URI uri, String name) {
    List<String> values = new ArrayList<>();
    String query = uri.getRawQuery();
    if (query == null) {
      return values;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      if (key.equals(name)) {
        values.add(eq < 0 ? "" : decode(pair.substring(eq + 1)));
      }
    }
    return values;
  }

  private static String decode(String raw) {
    try {
      return URLDecoder.decode(raw, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return raw;
    }
  }

  private static boolean isHttp(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    return scheme.equals("https") || scheme.equals("http");
  }

  private static DownloadException unsupported(String source, String why) {
    return new DownloadException(Kind.UNSUPPORTED_SOURCE, "modelfetch cannot download "
        + Secret.redact(source) + " from Google Drive: " + why + "; " + FORMS);
  }
}
