package io.modelfetch.civitai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelfetch.spi.Sidecar;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The files the Stable Diffusion web UIs look for beside a model (research A5):
 * {@code <base>.civitai.info} as the Civitai Helper extension writes it, {@code <base>.preview.<ext>}
 * (the first still image), and optionally A1111's own user metadata {@code <base>.json}.
 */
final class SidecarFiles {
  static final String INFO = ".civitai.info";
  static final String A1111 = ".json";

  private static final ObjectMapper MAPPER = new ObjectMapper();
  /** Civitai Helper writes {@code json.dumps(info, indent=4)}: ASCII only, so any reader's default charset copes. */
  private static final ObjectWriter HELPER_JSON = MAPPER.writer(pythonIndent()).with(JsonWriteFeature.ESCAPE_NON_ASCII);
  /** A1111 writes {@code json.dump(metadata, indent=4, ensure_ascii=False)} and reads it back as UTF-8. */
  private static final ObjectWriter A1111_JSON = MAPPER.writer(pythonIndent());

  private SidecarFiles() {
  }

  /**
   * The sidecars of one model file. The info file is refreshed on every run; a preview or
   * {@code .json} already there is the user's and is kept.
   *
   * @param modelDescription the model's description for the A1111 card, or {@code null}
   */
  static List<Sidecar> of(VersionJson version, boolean a1111Json, String modelDescription) {
    return of(version, a1111Json, modelDescription, ResolverOptions.Preview.ANY);
  }

  /** {@link #of(VersionJson, boolean, String)} with a choice of preview image. */
  static List<Sidecar> of(VersionJson version, boolean a1111Json, String modelDescription,
      ResolverOptions.Preview preview) {
    List<Sidecar> sidecars = new ArrayList<>();
    sidecars.add(Sidecar.ofBytes(INFO, civitaiInfo(version.json()), true));
    if (preview != ResolverOptions.Preview.NONE) {
      version.previewImage(preview == ResolverOptions.Preview.SFW)
          .ifPresent(url -> sidecars.add(Sidecar.fromUrl(".preview." + previewExtension(url), url, false)));
    }
    if (a1111Json) {
      sidecars.add(Sidecar.ofBytes(A1111, a1111(version, modelDescription), false));
    }
    return sidecars;
  }

  static byte[] civitaiInfo(JsonNode versionJson) {
    return write(HELPER_JSON, versionJson);
  }

  /** A1111's user metadata, filled from CivitAI the way zixaphir's Civitai Helper fork does. */
  static byte[] a1111(VersionJson version, String modelDescription) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("description", modelDescription == null ? "" : modelDescription);
    n.put("sd version", sdVersion(version.baseModel()));
    n.put("activation text", activationText(version.trainedWords()));
    n.put("preferred weight", 0.0);
    n.put("negative text", "");
    n.put("notes", version.description() == null ? "" : version.description());
    return write(A1111_JSON, n);
  }

  /**
   * A1111's {@code sd version} ({@code SD1}, {@code SD2}, {@code SDXL}, {@code SD3}, {@code Unknown}),
   * which its LoRA tab uses to hide networks that do not fit the loaded checkpoint. Pony,
   * Illustrious and NoobAI are SDXL fine-tunes, so they count as SDXL.
   */
  static String sdVersion(String baseModel) {
    String b = baseModel == null ? "" : baseModel.toLowerCase(Locale.ROOT).strip();
    if (b.startsWith("sd 1")) {
      return "SD1";
    }
    if (b.startsWith("sd 2")) {
      return "SD2";
    }
    if (b.startsWith("sd 3")) {
      return "SD3";
    }
    if (b.startsWith("sdxl") || b.startsWith("pony") || b.startsWith("illustrious") || b.startsWith("noobai")) {
      return "SDXL";
    }
    return "Unknown";
  }

  /** Trained words joined with {@code ", "}, or with {@code " || "} when a word itself holds a comma. */
  static String activationText(List<String> words) {
    boolean commas = !words.isEmpty() && words.get(0).contains(",");
    return String.join(commas ? " || " : ", ", words);
  }

  /**
   * The preview's real extension from its URL, as A1111 looks for {@code png}, {@code jpg} and
   * {@code webp}; an image URL without a known one gets {@code png}, Civitai Helper's fixed name.
   */
  static String previewExtension(URI url) {
    String path = url.getPath() == null ? "" : url.getPath().toLowerCase(Locale.ROOT);
    String ext = path.contains(".") ? path.substring(path.lastIndexOf('.') + 1) : "";
    switch (ext) {
      case "jpg":
      case "jpeg":
        return "jpg";
      case "webp":
        return "webp";
      default:
        return "png";
    }
  }

  /** Python's {@code indent=4} layout: four spaces, {@code "key": value}, empty containers as {@code {}} and {@code []}. */
  private static DefaultPrettyPrinter pythonIndent() {
    Separators separators = Separators.createDefaultInstance()
        .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
        .withObjectEmptySeparator("")
        .withArrayEmptySeparator("");
    DefaultPrettyPrinter printer = new DefaultPrettyPrinter(separators);
    DefaultIndenter fourSpaces = new DefaultIndenter("    ", "\n");
    printer.indentObjectsWith(fourSpaces);
    printer.indentArraysWith(fourSpaces);
    return printer;
  }

  private static byte[] write(ObjectWriter writer, JsonNode json) {
    try {
      return writer.writeValueAsBytes(json);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("a JSON tree could not be written", e);
    }
  }
}
