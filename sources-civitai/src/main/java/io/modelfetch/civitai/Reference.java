package io.modelfetch.civitai;

import io.modelfetch.Secret;

/**
 * What a user pointed at on CivitAI, parsed from a URL or an AIR URN.
 *
 * @param form which of the accepted forms it was written in
 * @param modelId the model, or {@code null} when only the version is known (version and download URLs)
 * @param versionId the model version, or {@code null} for the model's latest version
 * @param choice which file of the version the URL or URN picked
 * @param token a {@code token=} from the URL, or {@code null}; sent as a header, never in a URL
 * @param webHost the CivitAI web host the URL named ({@code civitai.red}), or {@code null} for
 *     {@code api.civitai.com} and URNs
 */
record Reference(Form form, Long modelId, Long versionId, FileChoice choice, Secret token, String webHost) {

  /** The written forms, as the research's test vectors name them. */
  enum Form {
    /** {@code /models/ID[/slug][?modelVersionId=VID]}. */
    MODEL,
    /** {@code /model-versions/VID}. */
    VERSION,
    /** {@code /api/download/models/VID?...} and {@code api.civitai.com/download/models/VID}. */
    DOWNLOAD,
    /** {@code urn:air:ECO:TYPE:civitai:ID[@VID][+FILE][.FORMAT]} and {@code civitai:ID@VID}. */
    AIR
  }
}
