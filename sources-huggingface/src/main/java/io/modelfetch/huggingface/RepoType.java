package io.modelfetch.huggingface;

/** The three kinds of Hub repository, as they appear in URLs, API paths and cache folder names. */
enum RepoType {
  MODEL("models", ""),
  DATASET("datasets", "datasets/"),
  SPACE("spaces", "spaces/");

  private final String plural;
  private final String urlPrefix;

  RepoType(String plural, String urlPrefix) {
    this.plural = plural;
    this.urlPrefix = urlPrefix;
  }

  /** {@code models}, as in {@code /api/models/...} and {@code models--org--name}. */
  String plural() {
    return plural;
  }

  /** What precedes the repository id in web and resolve URLs: nothing for models. */
  String urlPrefix() {
    return urlPrefix;
  }
}
