package io.modelfetch.gdrive;

import io.modelfetch.gdrive.HtmlTags.Tag;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one of Drive's HTML pages says instead of the file: where to go next to get it (the
 * virus-scan confirmation), or why it cannot be had (quota, sign-in, an error caption). Follows
 * gdown's {@code get_url_from_gdrive_confirmation} (research B2): the {@code download-form} with
 * every hidden input merged into its action's query, else the pre-2023 {@code /uc?export=download}
 * link, else an inline {@code "downloadUrl"}.
 */
final class DrivePage {
  /** The form's id since gdown PR #224 (2022-11), and the one before. */
  private static final Set<String> FORM_IDS = Set.of("download-form", "downloadForm");
  private static final String OLD_LINK = "/uc?export=download";
  private static final URI OLD_LINK_BASE = URI.create("https://docs.google.com/");
  private static final Pattern DOWNLOAD_URL = Pattern.compile("\"downloadUrl\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern JSON_ESCAPE = Pattern.compile("\\\\(u[0-9a-fA-F]{4}|/)");
  private static final String ACCOUNTS = "accounts.google.com";

  private final String html;
  private final URI url;
  private final List<Tag> tags;
  private final String flat;

  private DrivePage(String html, URI url) {
    this.html = html;
    this.url = url;
    this.tags = HtmlTags.read(html);
    this.flat = html.replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
  }

  /** @param url where the page came from; relative links resolve against it */
  static DrivePage parse(String html, URI url) {
    return new DrivePage(html, url);
  }

  /** The page's {@code <title>}, or {@code ""}. */
  String title() {
    for (int i = 0; i < tags.size(); i++) {
      if (tags.get(i).is("title")) {
        int end = i + 1 < tags.size() ? tags.get(i + 1).start() : html.length();
        return HtmlTags.text(html, tags.get(i).end(), end);
      }
    }
    return "";
  }

  /** The text of {@code <p class="uc-error-subcaption">}, where Drive explains a refusal. */
  Optional<String> errorCaption() {
    for (int i = 0; i < tags.size(); i++) {
      Tag t = tags.get(i);
      if (t.is("p") && classes(t).contains("uc-error-subcaption")) {
        int end = html.length();
        for (int j = i + 1; j < tags.size(); j++) {
          if (tags.get(j).closes("p")) {
            end = tags.get(j).start();
            break;
          }
        }
        String text = HtmlTags.text(html, t.end(), end);
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
      }
    }
    return Optional.empty();
  }

  /** Google's sign-in page: it is never submitted, the file is simply not public. */
  boolean isSignIn() {
    if (title().toLowerCase(Locale.ROOT).startsWith("sign in")) {
      return true;
    }
    return tags.stream().filter(t -> t.is("form")).map(t -> resolve(url, t.attribute("action")))
        .anyMatch(u -> u.isPresent() && ACCOUNTS.equalsIgnoreCase(u.get().getHost()));
  }

  /** Whether the page's text contains a phrase, ignoring case and how white space is laid out. */
  boolean mentions(String phrase) {
    return flat.contains(phrase.toLowerCase(Locale.ROOT));
  }

  /** The URL that gets the file, when this is a confirmation page. */
  Optional<URI> next() {
    return confirmationForm().or(this::oldConfirmationLink).or(this::inlineDownloadUrl);
  }

  /** {@code <form id="download-form" action=...>}: the action with every named hidden input appended, in order. */
  private Optional<URI> confirmationForm() {
    Tag form = null;
    StringBuilder query = new StringBuilder();
    for (Tag t : tags) {
      if (form == null) {
        if (t.is("form") && FORM_IDS.contains(t.attribute("id"))) {
          form = t;
        }
      } else if (t.closes("form")) {
        break;
      } else if (t.is("input") && "hidden".equalsIgnoreCase(t.attribute("type"))) {
        String name = t.attribute("name");
        if (name != null && !name.isEmpty()) {
          String value = t.attribute("value") == null ? "" : t.attribute("value");
          query.append(query.length() == 0 ? "" : "&").append(encode(name)).append('=').append(encode(value));
        }
      }
    }
    if (form == null || query.length() == 0) {
      return Optional.empty(); // without its fields (a cut-off page) the form cannot name the file
    }
    return resolve(url, form.attribute("action")).flatMap(action -> withQuery(action, query.toString()));
  }

  /** The pre-2023 page's {@code <a href="/uc?export=download&amp;confirm=XXXX&amp;id=ID">}, on docs.google.com as gdown builds it. */
  private Optional<URI> oldConfirmationLink() {
    return tags.stream().filter(t -> t.is("a")).map(t -> t.attribute("href"))
        .filter(href -> href != null && href.startsWith(OLD_LINK)).findFirst()
        .flatMap(href -> resolve(OLD_LINK_BASE, href));
  }

  /** {@code "downloadUrl":"https://...\u003d...\u0026..."} in inline JSON. */
  private Optional<URI> inlineDownloadUrl() {
    Matcher m = DOWNLOAD_URL.matcher(html);
    if (!m.find()) {
      return Optional.empty();
    }
    Matcher escape = JSON_ESCAPE.matcher(m.group(1));
    StringBuilder out = new StringBuilder();
    while (escape.find()) {
      String e = escape.group(1);
      escape.appendReplacement(out, Matcher.quoteReplacement(
          e.equals("/") ? "/" : String.valueOf((char) Integer.parseInt(e.substring(1), 16))));
    }
    escape.appendTail(out);
    return resolve(url, out.toString());
  }

  private static Set<String> classes(Tag t) {
    String value = t.attribute("class");
    return value == null ? Set.of() : Set.of(value.strip().split("\\s+"));
  }

  /** An absolute http(s) URL, or empty when the reference is missing or unusable. */
  private static Optional<URI> resolve(URI base, String reference) {
    if (reference == null || reference.isBlank()) {
      return Optional.empty();
    }
    try {
      URI u = base.resolve(new URI(reference.strip()));
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("https") || scheme.equals("http")) && u.getHost() != null ? Optional.of(u) : Optional.empty();
    } catch (URISyntaxException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static Optional<URI> withQuery(URI action, String fields) {
    String query = action.getRawQuery() == null ? fields
        : fields.isEmpty() ? action.getRawQuery() : action.getRawQuery() + "&" + fields;
    try {
      return Optional.of(new URI(action.getScheme() + "://" + action.getRawAuthority()
          + (action.getRawPath() == null ? "" : action.getRawPath()) + (query.isEmpty() ? "" : "?" + query)));
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
