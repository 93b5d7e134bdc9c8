package io.modelfetch.huggingface;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.Secret;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a Hub URL points at: one file, or a whole repository (or one folder of it) to snapshot.
 *
 * <p>Understands the forms people paste and the forms huggingface_hub uses:
 * {@code https://huggingface.co/{repo}/resolve/{rev}/{path}}, the web forms {@code /blob/} and
 * {@code /raw/} (read as {@code /resolve/}), {@code /tree/{rev}[/{folder}]}, a repository page
 * {@code https://huggingface.co/{org}/{name}}, each with an optional {@code datasets/} or
 * {@code spaces/} prefix, and fsspec's {@code hf://[datasets/|spaces/]{org}/{name}[@{rev}][/{path}]}.
 * A revision that contains slashes ({@code refs/pr/1}) may be percent-encoded or not.
 *
 * @param type the kind of repository
 * @param repoId {@code org/name}, or a legacy {@code name} without organisation
 * @param revision the branch, tag or commit the URL names, or {@code null} when it names none
 * @param path the file, or the folder of a snapshot ({@code null} for the whole repository)
 * @param isFile whether {@code path} is one file rather than a folder to snapshot
 */
record HubLocation(RepoType type, String repoId, String revision, String path, boolean isFile) {
  private static final Set<String> HOSTS = Set.of("huggingface.co", "www.huggingface.co", "hf.co");
  /** Public mirrors of the Hub whose URLs users paste; they serve the Hub's API and URL forms. */
  private static final Set<String> MIRROR_HOSTS = Set.of("hf-mirror.com");
  private static final Set<String> FILE_ACTIONS = Set.of("resolve", "blob", "raw");
  /** Top-level pages of the website that are not organisations; a URL under them is not a repository. */
  private static final Set<String> SITE_PAGES = Set.of("api", "docs", "blog", "papers", "collections",
      "organizations", "settings", "login", "join", "pricing", "learn", "tasks", "posts", "models", "new", "search");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,95}");
  /** huggingface_hub's {@code SPECIAL_REFS_REVISION_REGEX}: the revisions that contain slashes. */
  private static final Pattern SPECIAL_REF = Pattern.compile("^(refs/convert/parquet|refs/pr/\\d+)(?=/|$)");
  private static final String FORMS = "use https://huggingface.co/ORG/NAME/resolve/REVISION/PATH for a file, "
      + "https://huggingface.co/ORG/NAME for a whole repository (datasets/ and spaces/ prefixes work too), "
      + "or hf://ORG/NAME[@REVISION][/PATH]";

  /** Whether this looks like a Hub URL; cheap, no network. */
  static boolean isHubUrl(String source) {
    String s = source.strip();
    if (s.regionMatches(true, 0, "hf://", 0, 5)) {
      return true;
    }
    try {
      URI uri = new URI(s);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("https") || scheme.equals("http")) && uri.getHost() != null
          && (HOSTS.contains(uri.getHost().toLowerCase(Locale.ROOT)) || mirror(s).isPresent());
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** {@code https://hf-mirror.com} when {@code source} is a URL on a known mirror of the Hub. */
  static java.util.Optional<String> mirror(String source) {
    try {
      URI uri = new URI(source.strip());
      String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
      return MIRROR_HOSTS.contains(host) && "https".equalsIgnoreCase(uri.getScheme())
          ? java.util.Optional.of("https://" + host) : java.util.Optional.empty();
    } catch (URISyntaxException e) {
      return java.util.Optional.empty();
    }
  }

  /** Parses a Hub URL; fails with {@code UNSUPPORTED_SOURCE} naming the forms that work. */
  static HubLocation parse(String source) throws DownloadException {
    String s = source.strip();
    return s.regionMatches(true, 0, "hf://", 0, 5) ? parseHfUri(s.substring(5), source) : parseWebUrl(s, source);
  }

  private static HubLocation parseWebUrl(String s, String source) throws DownloadException {
    URI uri;
    try {
      uri = new URI(s);
    } catch (URISyntaxException e) {
      throw unsupported(source, "it is not a valid URL (" + e.getReason() + ")");
    }
    List<String> segments = new ArrayList<>();
    for (String raw : (uri.getRawPath() == null ? "" : uri.getRawPath()).split("/")) {
      if (!raw.isEmpty()) {
        segments.add(PercentEncoding.decode(raw));
      }
    }
    RepoType type = RepoType.MODEL;
    if (!segments.isEmpty() && (segments.get(0).equals("datasets") || segments.get(0).equals("spaces"))) {
      type = segments.remove(0).equals("datasets") ? RepoType.DATASET : RepoType.SPACE;
    } else if (!segments.isEmpty() && SITE_PAGES.contains(segments.get(0))) {
      throw unsupported(source, "it is a page of the website, not a repository");
    }
    if (segments.size() == 2 && !isAction(segments.get(1))) {
      return new HubLocation(type, checkedRepo(segments, source), null, null, false);
    }
    int action = segments.size() >= 3 && isAction(segments.get(2)) ? 2
        : segments.size() >= 2 && isAction(segments.get(1)) ? 1 : -1;
    if (action < 0 || segments.size() < action + 2) {
      throw unsupported(source, "it does not name a file or a repository");
    }
    String repo = checkedRepo(segments.subList(0, action), source);
    List<String> rest = segments.subList(action + 1, segments.size());
    // a revision with slashes arrives either encoded (one segment, already decoded) or as three segments
    String joined = String.join("/", rest);
    Matcher special = SPECIAL_REF.matcher(joined);
    String revision = special.find() ? special.group(1) : rest.get(0);
    String path = joined.length() > revision.length() ? joined.substring(revision.length() + 1) : "";
    boolean file = FILE_ACTIONS.contains(segments.get(action));
    if (file && path.isEmpty()) {
      throw unsupported(source, "it names a revision but no file");
    }
    return new HubLocation(type, repo, revision, path.isEmpty() ? null : path, file);
  }

  private static HubLocation parseHfUri(String rest, String source) throws DownloadException {
    RepoType type = RepoType.MODEL;
    for (RepoType t : List.of(RepoType.DATASET, RepoType.SPACE)) {
      if (rest.startsWith(t.urlPrefix())) {
        type = t;
        rest = rest.substring(t.urlPrefix().length());
      }
    }
    int orgEnd = rest.indexOf('/');
    if (orgEnd < 0) {
      throw unsupported(source, "it has no ORG/NAME repository id");
    }
    int nameEnd = rest.indexOf('/', orgEnd + 1);
    String name = nameEnd < 0 ? rest.substring(orgEnd + 1) : rest.substring(orgEnd + 1, nameEnd);
    String revision = null;
    String after = nameEnd < 0 ? "" : rest.substring(nameEnd + 1);
    int at = name.indexOf('@');
    if (at >= 0) {
      String revAndPath = rest.substring(orgEnd + 1 + at + 1);
      Matcher special = SPECIAL_REF.matcher(revAndPath);
      int revEnd = special.find() ? special.end(1) : revAndPath.indexOf('/') < 0 ? revAndPath.length()
          : revAndPath.indexOf('/');
      revision = PercentEncoding.decode(revAndPath.substring(0, revEnd));
      after = revEnd >= revAndPath.length() ? "" : revAndPath.substring(revEnd + 1);
      name = name.substring(0, at);
      if (revision.isEmpty()) {
        throw unsupported(source, "the revision after '@' is empty");
      }
    }
    String repo = checkedRepo(List.of(rest.substring(0, orgEnd), name), source);
    boolean folder = after.isEmpty() || after.endsWith("/");
    String path = after.replaceAll("/+$", "");
    return new HubLocation(type, repo, revision, path.isEmpty() ? null : path, !folder);
  }

  /** The web page of the repository on {@code base} (the endpoint), for messages. */
  String pageUrl(String base) {
    return base + "/" + type.urlPrefix() + repoId;
  }

  /** {@code datasets/org/name}, as errors name it. */
  String displayName() {
    return type.urlPrefix() + repoId;
  }

  private static boolean isAction(String segment) {
    return FILE_ACTIONS.contains(segment) || segment.equals("tree");
  }

  private static String checkedRepo(List<String> parts, String source) throws DownloadException {
    for (String part : parts) {
      if (!NAME.matcher(part).matches() || part.contains("..")) {
        throw unsupported(source, "'" + part + "' is not a valid repository name");
      }
    }
    return String.join("/", parts);
  }

  private static DownloadException unsupported(String source, String why) {
    return new DownloadException(Kind.UNSUPPORTED_SOURCE, "cannot read the Hugging Face URL " + Secret.redact(source)
        + ": " + why + "; " + FORMS);
  }
}
