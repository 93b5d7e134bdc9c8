package io.modelfetch.civitai;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code civitai.*} options of a request (documented on {@link CivitaiResolver}). An unknown
 * {@code civitai.} key is an error, so a typo does not silently download the wrong file.
 *
 * @param choice file selectors that override the URL's
 * @param a1111Json whether to write A1111's {@code <base>.json}
 * @param preview which image may become the preview
 */
record ResolverOptions(FileChoice choice, boolean a1111Json, Preview preview) {
  static final String FILE_ID = "civitai.fileId";
  static final String TYPE = "civitai.type";
  static final String FORMAT = "civitai.format";
  static final String SIZE = "civitai.size";
  static final String FP = "civitai.fp";
  static final String QUANT_TYPE = "civitai.quantType";
  static final String A1111_JSON = "civitai.a1111Json";
  static final String PREVIEW = "civitai.preview";

  private static final Set<String> KNOWN = Set.of(FILE_ID, TYPE, FORMAT, SIZE, FP, QUANT_TYPE, A1111_JSON, PREVIEW);

  /** Which of a version's images becomes {@code <base>.preview.<ext>}. */
  enum Preview {
    /** The first still image (Civitai Helper's choice). */
    ANY,
    /** The first still image rated PG or PG-13 by CivitAI; none when no image is. */
    SFW,
    /** No preview file. */
    NONE
  }
  private static final Pattern ID = Pattern.compile("\\d{1,18}");

  static ResolverOptions parse(Map<String, String> options) throws DownloadException {
    for (String key : options.keySet()) {
      if (key.startsWith("civitai.") && !KNOWN.contains(key)) {
        throw new DownloadException(Kind.INVALID_REQUEST, "unknown option " + key + "; CivitAI knows "
            + String.join(", ", KNOWN.stream().sorted().toList()));
      }
    }
    String fileId = options.get(FILE_ID);
    if (fileId != null && !ID.matcher(fileId.strip()).matches()) {
      throw new DownloadException(Kind.INVALID_REQUEST, FILE_ID + " must be a CivitAI file id (a number), was '"
          + fileId + "'");
    }
    String a1111 = options.getOrDefault(A1111_JSON, "false").strip();
    if (!a1111.equalsIgnoreCase("true") && !a1111.equalsIgnoreCase("false")) {
      throw new DownloadException(Kind.INVALID_REQUEST, A1111_JSON + " must be true or false, was '" + a1111 + "'");
    }
    String preview = options.getOrDefault(PREVIEW, "any").strip().toUpperCase(java.util.Locale.ROOT);
    if (!preview.equals("ANY") && !preview.equals("SFW") && !preview.equals("NONE")) {
      throw new DownloadException(Kind.INVALID_REQUEST, PREVIEW + " must be any, sfw or none, was '"
          + options.get(PREVIEW) + "'");
    }
    FileChoice choice = new FileChoice(fileId == null ? null : Long.valueOf(fileId.strip()), given(options, TYPE),
        given(options, FORMAT), given(options, SIZE), given(options, FP), given(options, QUANT_TYPE));
    return new ResolverOptions(choice, Boolean.parseBoolean(a1111), Preview.valueOf(preview));
  }

  private static String given(Map<String, String> options, String key) {
    String value = options.get(key);
    return value == null || value.isBlank() ? null : value.strip();
  }
}
