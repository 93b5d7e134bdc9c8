package io.modelfetch.gdrive;

import io.modelfetch.DownloadException;
import io.modelfetch.gdrive.HtmlTags.Tag;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A shared folder's {@code embeddedfolderview} page (research B2, gdown PR #453): the folder's
 * name is the page title, each child is a link whose text is its name. The page lists every
 * child, with no 50-item limit.
 *
 * @param name the folder's name, or {@code ""}
 * @param children files, folders and Google documents, in page order, each once
 */
record FolderListing(String name, List<Child> children) {

  /**
   * One entry of a folder.
   *
   * @param link what the entry's href names
   * @param name the link text, as Drive shows it
   */
  record Child(DriveLink link, String name) {
  }

  static FolderListing parse(String html) {
    List<Tag> tags = HtmlTags.read(html);
    String title = "";
    List<Child> children = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (int i = 0; i < tags.size(); i++) {
      Tag t = tags.get(i);
      if (t.is("title") && title.isEmpty()) {
        title = HtmlTags.text(html, t.end(), i + 1 < tags.size() ? tags.get(i + 1).start() : html.length());
      }
      String href = t.is("a") ? t.attribute("href") : null;
      if (href == null || !DriveLink.accepts(href)) {
        continue;
      }
      DriveLink link;
      try {
        link = DriveLink.parse(href);
      } catch (DownloadException e) {
        continue; // a link to something else on Drive (help, sign-in): not a child
      }
      int end = html.length();
      for (int j = i + 1; j < tags.size(); j++) {
        if (tags.get(j).closes("a")) {
          end = tags.get(j).start();
          break;
        }
      }
      if (seen.add(link.type() + ":" + link.id())) {
        children.add(new Child(link, HtmlTags.text(html, t.end(), end)));
      }
    }
    return new FolderListing(title, List.copyOf(children));
  }
}
