package io.modelfetch.civitai;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.Secret;
import io.modelfetch.civitai.Reference.Form;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses every way users write a CivitAI model: page URLs on the three colour domains, version
 * pages, download URLs (with their file selectors and a pasted {@code token=}), the API host's
 * download URLs, AIR URNs and the chat shortcut {@code civitai:MODEL@VERSION}.
 *
 * <p>{@link #accepts} is deliberately wider than {@link #parse}: any URL on a CivitAI host and any
 * AIR whose source is {@code civitai} is ours, so a malformed one gets an error that lists the
 * accepted forms instead of being downloaded as a web page by the plain-URL resolver.
 */
final class ReferenceParser {
  static final Set<String> WEB_HOSTS = Set.of("civitai.com", "civitai.green", "civitai.red");
  static final String API_HOST = "api.civitai.com";

  /** The accepted forms, for error messages. */
  static final String FORMS = "https://civitai.com/models/ID[/slug][?modelVersionId=VID], "
      + "https://civitai.com/model-versions/VID, "
      + "https://civitai.com/api/download/models/VID[?fileId=F or ?type=..&format=..&size=..&fp=..], "
      + "https://api.civitai.com/download/models/VID, "
      + "urn:air:ECOSYSTEM:TYPE:civitai:ID[@VID][+FILEID][.FORMAT] or civitai:ID@VID "
      + "(civitai.green and civitai.red work like civitai.com)";

  private static final Pattern URL = Pattern.compile(
      "(?i)https?://(?:www\\.)?(?:civitai\\.(?:com|green|red)|api\\.civitai\\.com)(?::\\d+)?(?:[/?#].*)?");
  /** AIR with source civitai, in the strict form: numeric ids, and a format suffix that is not part of the version. */
  private static final Pattern AIR = Pattern.compile("(?:urn:)?(?:air:)?(?:[a-z0-9_\\-/]+:)?(?:[a-z0-9_\\-/]+:)?"
      + "civitai:(\\d{1,18})(?:@(\\d{1,18}))?(?:\\+(\\d{1,18}))?(?:\\.([a-z0-9_\\-]+))?", Pattern.CASE_INSENSITIVE);
  /** Anything that names civitai as the AIR source, well-formed or not. */
  private static final Pattern AIR_LIKE = Pattern.compile("(?:urn:)?(?:air:)?(?:[a-z0-9_\\-/]+:){0,2}civitai:\\S*",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern ID = Pattern.compile("\\d{1,18}");

  private ReferenceParser() {
  }

  /** Whether the source is a CivitAI URL or a civitai AIR; never touches the network. */
  static boolean accepts(String source) {
    String s = source.strip();
    return URL.matcher(s).matches() || AIR_LIKE.matcher(s).matches();
  }

  /**
   * Parses an accepted source.
   *
   * @throws DownloadException {@code INVALID_REQUEST} naming the accepted forms when it is not one of them
   */
  static Reference parse(String source) throws DownloadException {
    String s = source.strip();
    if (!URL.matcher(s).matches()) {
      return parseAir(s);
    }
    URI uri;
    try {
      uri = new URI(s);
    } catch (URISyntaxException e) {
      throw invalid(s, "it is not a valid URL (" + e.getReason() + ")");
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    if (host.startsWith("www.")) {
      host = host.substring(4);
    }
    List<String> path = segments(uri.getRawPath());
    Map<String, String> query = query(uri.getRawQuery());
    Secret token = Secret.ofNullable(query.get("token"));
    if (host.equals(API_HOST)) {
      // the API host drops the /api prefix: api.civitai.com/download/models/VID
      if (path.size() == 3 && path.get(0).equals("download") && path.get(1).equals("models")) {
        return download(s, path.get(2), query, token, null);
      }
      if (path.size() == 4 && path.get(0).equals("api") && path.get(1).equals("download") && path.get(2).equals("models")) {
        return download(s, path.get(3), query, token, null);
      }
      throw invalid(s, "api.civitai.com URLs must look like /download/models/VID");
    }
    if (path.size() >= 2 && path.get(0).equals("models")) {
      Long version = query.containsKey("modelVersionId") ? id(s, query.get("modelVersionId"), "modelVersionId") : null;
      return new Reference(Form.MODEL, id(s, path.get(1), "model id"), version, FileChoice.ANY, token, host);
    }
    if (path.size() == 2 && path.get(0).equals("model-versions")) {
      return new Reference(Form.VERSION, null, id(s, path.get(1), "version id"), FileChoice.ANY, token, host);
    }
    if (path.size() == 4 && path.subList(0, 3).equals(List.of("api", "download", "models"))) {
      return download(s, path.get(3), query, token, host);
    }
    if (path.size() == 4 && path.subList(0, 3).equals(List.of("api", "v1", "models"))) {
      return new Reference(Form.MODEL, id(s, path.get(3), "model id"), null, FileChoice.ANY, token, host);
    }
    if (path.size() == 4 && path.subList(0, 3).equals(List.of("api", "v1", "model-versions"))) {
      return new Reference(Form.VERSION, null, id(s, path.get(3), "version id"), FileChoice.ANY, token, host);
    }
    throw invalid(s, "this CivitAI page is not a model, version or download link");
  }

  private static Reference download(String source, String versionId, Map<String, String> query, Secret token,
      String host) throws DownloadException {
    Long fileId = query.containsKey("fileId") ? id(source, query.get("fileId"), "fileId") : null;
    FileChoice choice = new FileChoice(fileId, given(query, "type"), given(query, "format"), given(query, "size"),
        given(query, "fp"), given(query, "quantType"));
    return new Reference(Form.DOWNLOAD, null, id(source, versionId, "version id"), choice, token, host);
  }

  private static Reference parseAir(String s) throws DownloadException {
    Matcher m = AIR.matcher(s);
    if (!m.matches()) {
      throw invalid(s, "a civitai AIR needs numeric ids, as in urn:air:sdxl:lora:civitai:118025@136251");
    }
    Long fileId = m.group(3) == null ? null : Long.valueOf(m.group(3));
    FileChoice choice = new FileChoice(fileId, null, m.group(4), null, null, null);
    Long version = m.group(2) == null ? null : Long.valueOf(m.group(2));
    return new Reference(Form.AIR, Long.valueOf(m.group(1)), version, choice, null, null);
  }

  private static long id(String source, String value, String what) throws DownloadException {
    if (value == null || !ID.matcher(value).matches()) {
      throw invalid(source, "the " + what + " must be a number, was '" + value + "'");
    }
    return Long.parseLong(value);
  }

  private static String given(Map<String, String> query, String name) {
    String value = query.get(name);
    return value == null || value.isBlank() ? null : value;
  }

  private static List<String> segments(String rawPath) {
    List<String> out = new ArrayList<>();
    if (rawPath != null) {
      for (String seg : rawPath.split("/")) {
        if (!seg.isEmpty()) {
          out.add(URLDecoder.decode(seg, StandardCharsets.UTF_8));
        }
      }
    }
    return out;
  }

  /** The query's parameters, decoded; the first of repeated names wins. */
  private static Map<String, String> query(String rawQuery) {
    Map<String, String> out = new LinkedHashMap<>();
    if (rawQuery == null) {
      return out;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.putIfAbsent(name, value);
    }
    return out;
  }

  private static DownloadException invalid(String source, String why) {
    return new DownloadException(Kind.INVALID_REQUEST, "cannot read the CivitAI reference " + Secret.redact(source)
        + ": " + why + "; accepted forms: " + FORMS);
  }
}
