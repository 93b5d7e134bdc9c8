package io.modelfetch.civitai;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * One entry of a model version's {@code files[]}. Every field but the id may be missing or
 * {@code null} in real responses (hashes are computed after upload; {@code size} and {@code fp}
 * are often null), so the accessors return {@code null} or empty rather than assume.
 */
record FileEntry(JsonNode json) {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

  long id() {
    return json.path("id").asLong(-1);
  }

  /** The name CivitAI serves the file under (the same string its Content-Disposition carries). */
  String name() {
    return json.path("name").textValue();
  }

  /** The ModelFile type: {@code Model}, {@code VAE}, {@code Training Data}... */
  String type() {
    return json.path("type").textValue();
  }

  String format() {
    return json.path("metadata").path("format").textValue();
  }

  /** {@code full} or {@code pruned}. */
  String size() {
    return json.path("metadata").path("size").textValue();
  }

  /** Precision: {@code fp16}, {@code bf16}, {@code fp8}... */
  String fp() {
    return json.path("metadata").path("fp").textValue();
  }

  /** GGUF quantisation: {@code Q8_0}, {@code Q5_K_M}... */
  String quantType() {
    return json.path("metadata").path("quantType").textValue();
  }

  boolean primary() {
    return json.path("primary").asBoolean(false);
  }

  /**
   * The size as CivitAI publishes it: kilobytes as a float, rounded on its side, so it is shown
   * but never used as the exact byte count (the storage server tells that, the SHA-256 checks it).
   */
  Optional<Double> sizeKB() {
    JsonNode n = json.path("sizeKB");
    return n.isNumber() ? Optional.of(n.doubleValue()) : Optional.empty();
  }

  /** The SHA-256 in lower case, when CivitAI has computed it yet. */
  Optional<String> sha256() {
    String sha = json.path("hashes").path("SHA256").textValue();
    return sha != null && SHA256.matcher(sha).matches() ? Optional.of(sha.toLowerCase(Locale.ROOT)) : Optional.empty();
  }

  /** CivitAI's AutoV2 hash, or the first ten digits of the SHA-256 that it is by definition. */
  Optional<String> autoV2() {
    String v2 = json.path("hashes").path("AutoV2").textValue();
    if (v2 != null && !v2.isBlank()) {
      return Optional.of(v2.toUpperCase(Locale.ROOT));
    }
    return sha256().map(s -> s.substring(0, 10).toUpperCase(Locale.ROOT));
  }

  /** One line for error messages that list a version's files. */
  String describe() {
    StringJoiner s = new StringJoiner(", ", "id " + id() + ": " + name() + " (", ")");
    for (String v : new String[] {type(), format(), size(), fp(), quantType()}) {
      if (v != null) {
        s.add(v);
      }
    }
    if (primary()) {
      s.add("primary");
    }
    return s.toString();
  }
}
