package io.modelfetch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a source knows about a model file: which model and version it belongs to, what it was
 * trained for, and where its page is. Every field is optional; a plain URL has none of them.
 *
 * <pre>{@code
 * DownloadResult r = downloads.download(DownloadRequest.of("https://civitai.com/models/4201"));
 * Metadata m = r.file().metadata();
 * m.baseModel().ifPresent(b -> System.out.println("base model " + b));
 * System.out.println("trigger words " + m.trainedWords());
 * }</pre>
 *
 * <p>Sources with more to say put it in {@link #attributes()} under documented keys (for example
 * {@code civitai.modelId}, {@code huggingface.commit}).
 */
public final class Metadata {
  /** No metadata. */
  public static final Metadata NONE = builder().build();

  private final String source;
  private final String pageUrl;
  private final String modelName;
  private final String versionName;
  private final String modelType;
  private final String baseModel;
  private final List<String> trainedWords;
  private final Boolean nsfw;
  private final String format;
  private final String precision;
  private final String autoV2;
  private final Map<String, String> attributes;

  private Metadata(Builder b) {
    this.source = b.source;
    this.pageUrl = b.pageUrl;
    this.modelName = b.modelName;
    this.versionName = b.versionName;
    this.modelType = b.modelType;
    this.baseModel = b.baseModel;
    this.trainedWords = List.copyOf(b.trainedWords);
    this.nsfw = b.nsfw;
    this.format = b.format;
    this.precision = b.precision;
    this.autoV2 = b.autoV2;
    this.attributes = Map.copyOf(b.attributes);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.source = source;
    b.pageUrl = pageUrl;
    b.modelName = modelName;
    b.versionName = versionName;
    b.modelType = modelType;
    b.baseModel = baseModel;
    b.trainedWords = List.copyOf(trainedWords);
    b.nsfw = nsfw;
    b.format = format;
    b.precision = precision;
    b.autoV2 = autoV2;
    b.attributes = new LinkedHashMap<>(attributes);
    return b;
  }

  /** The resolver that produced this metadata ({@code civitai}, {@code huggingface}, {@code direct}). */
  public Optional<String> source() {
    return Optional.ofNullable(source);
  }

  /** The web page of the model (CivitAI model page, Hugging Face repository page). */
  public Optional<String> pageUrl() {
    return Optional.ofNullable(pageUrl);
  }

  public Optional<String> modelName() {
    return Optional.ofNullable(modelName);
  }

  public Optional<String> versionName() {
    return Optional.ofNullable(versionName);
  }

  /** The kind of model as the source names it: {@code Checkpoint}, {@code LORA}, {@code VAE}... */
  public Optional<String> modelType() {
    return Optional.ofNullable(modelType);
  }

  /** The base model it was trained on: {@code SD 1.5}, {@code SDXL 1.0}, {@code Flux.1 D}... */
  public Optional<String> baseModel() {
    return Optional.ofNullable(baseModel);
  }

  /** Trigger words to put in a prompt; empty when the source names none. */
  public List<String> trainedWords() {
    return trainedWords;
  }

  public Optional<Boolean> nsfw() {
    return Optional.ofNullable(nsfw);
  }

  /** File format: {@code SafeTensor}, {@code PickleTensor}, {@code GGUF}... */
  public Optional<String> format() {
    return Optional.ofNullable(format);
  }

  /** Precision: {@code fp16}, {@code fp32}, {@code bf16}... */
  public Optional<String> precision() {
    return Optional.ofNullable(precision);
  }

  /** CivitAI's AutoV2 short hash (the first 10 hex digits of the SHA-256, upper case). */
  public Optional<String> autoV2() {
    return Optional.ofNullable(autoV2);
  }

  /** Source-specific facts under namespaced keys. */
  public Map<String, String> attributes() {
    return attributes;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Metadata)) {
      return false;
    }
    Metadata m = (Metadata) o;
    return Objects.equals(source, m.source) && Objects.equals(pageUrl, m.pageUrl)
        && Objects.equals(modelName, m.modelName) && Objects.equals(versionName, m.versionName)
        && Objects.equals(modelType, m.modelType) && Objects.equals(baseModel, m.baseModel)
        && trainedWords.equals(m.trainedWords) && Objects.equals(nsfw, m.nsfw)
        && Objects.equals(format, m.format) && Objects.equals(precision, m.precision)
        && Objects.equals(autoV2, m.autoV2) && attributes.equals(m.attributes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(source, pageUrl, modelName, versionName, modelType, baseModel, trainedWords, nsfw,
        format, precision, autoV2, attributes);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Metadata{");
    append(sb, "source", source);
    append(sb, "model", modelName);
    append(sb, "version", versionName);
    append(sb, "type", modelType);
    append(sb, "baseModel", baseModel);
    if (!trainedWords.isEmpty()) {
      append(sb, "trainedWords", trainedWords);
    }
    append(sb, "nsfw", nsfw);
    append(sb, "format", format);
    append(sb, "precision", precision);
    append(sb, "page", pageUrl);
    if (sb.charAt(sb.length() - 1) == ' ') {
      sb.setLength(sb.length() - 2);
    }
    return sb.append('}').toString();
  }

  private static void append(StringBuilder sb, String name, Object value) {
    if (value != null) {
      sb.append(name).append('=').append(value).append(", ");
    }
  }

  /** Builds {@link Metadata}; every setter accepts {@code null} for "unknown". */
  public static final class Builder {
    private String source;
    private String pageUrl;
    private String modelName;
    private String versionName;
    private String modelType;
    private String baseModel;
    private List<String> trainedWords = List.of();
    private Boolean nsfw;
    private String format;
    private String precision;
    private String autoV2;
    private Map<String, String> attributes = new LinkedHashMap<>();

    private Builder() {
    }

    public Builder source(String source) {
      this.source = source;
      return this;
    }

    public Builder pageUrl(String pageUrl) {
      this.pageUrl = pageUrl;
      return this;
    }

    public Builder modelName(String modelName) {
      this.modelName = modelName;
      return this;
    }

    public Builder versionName(String versionName) {
      this.versionName = versionName;
      return this;
    }

    public Builder modelType(String modelType) {
      this.modelType = modelType;
      return this;
    }

    public Builder baseModel(String baseModel) {
      this.baseModel = baseModel;
      return this;
    }

    public Builder trainedWords(List<String> trainedWords) {
      this.trainedWords = trainedWords == null ? List.of() : List.copyOf(trainedWords);
      return this;
    }

    public Builder nsfw(Boolean nsfw) {
      this.nsfw = nsfw;
      return this;
    }

    public Builder format(String format) {
      this.format = format;
      return this;
    }

    public Builder precision(String precision) {
      this.precision = precision;
      return this;
    }

    public Builder autoV2(String autoV2) {
      this.autoV2 = autoV2;
      return this;
    }

    /** Adds a source-specific attribute; a {@code null} value removes the key. */
    public Builder attribute(String key, String value) {
      Objects.requireNonNull(key, "key");
      if (value == null) {
        attributes.remove(key);
      } else {
        attributes.put(key, value);
      }
      return this;
    }

    public Metadata build() {
      return new Metadata(this);
    }
  }
}
