package io.modelfetch.civitai;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelfetch.DownloadException;
import io.modelfetch.DownloadException.Kind;
import io.modelfetch.DownloadRequest;
import io.modelfetch.Secret;
import io.modelfetch.spi.RemoteFile;
import io.modelfetch.spi.ResolverContext;
import io.modelfetch.spi.SourceRequest;
import io.modelfetch.spi.SourceResolver;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Downloads models from CivitAI, and identifies local model files by their SHA-256.
 *
 * <h2>What it accepts</h2>
 * On {@code civitai.com}, {@code civitai.green} and {@code civitai.red} (with or without
 * {@code www.}): {@code /models/ID}, {@code /models/ID/slug}, either with
 * {@code ?modelVersionId=VID} (without it, the model's latest published version);
 * {@code /model-versions/VID}; {@code /api/download/models/VID} with any of {@code fileId},
 * {@code type}, {@code format}, {@code size}, {@code fp}, {@code quantType}, {@code token}. On
 * {@code api.civitai.com}: {@code /download/models/VID}. AIR URNs
 * {@code urn:air:ECOSYSTEM:TYPE:civitai:MODEL@VERSION[+FILEID][.FORMAT]} (prefixes optional) and the
 * shortcut {@code civitai:MODEL@VERSION}.
 *
 * <pre>{@code
 * try (Downloads downloads = Downloads.builder().build()) {   // token from CIVITAI_TOKEN
 *   DownloadResult r = downloads.download(DownloadRequest.of("https://civitai.com/models/827184")
 *       .into(Path.of("models/Stable-diffusion"))
 *       .option("civitai.fp", "fp16"));
 *   System.out.println(r.metadata().baseModel().orElse("?") + " " + r.metadata().trainedWords());
 * }
 * }</pre>
 *
 * <h2>How it resolves</h2>
 * Through the REST API ({@code /api/v1/models/ID}, {@code /api/v1/model-versions/VID}) it picks the
 * file (by id, else the selectors, else the version's primary file; among several matches the
 * primary one), then asks {@code /api/download/models/VID?fileId=F} itself and hands the engine the
 * presigned storage URL that answer redirects to, with CivitAI's download endpoint as the refresh
 * URL (a link expires after a day; an expired one is renewed mid-download). The SHA-256 CivitAI
 * publishes is verified. CivitAI's size is a rounded kilobyte figure, so the exact size comes
 * from the storage server.
 *
 * <h2>Token</h2>
 * A {@code token=} in the pasted URL (moved into the header and never printed), else the
 * builder's {@code token("civitai", ...)}, else env {@code CIVITAI_TOKEN}, else
 * {@code CIVITAI_API_TOKEN}. It is sent as {@code Authorization: Bearer} to CivitAI's hosts and
 * the configured endpoint only; the storage host never sees it.
 *
 * <h2>Endpoint</h2>
 * The builder's {@code endpoint("civitai", url)}, else env {@code CIVITAI_ENDPOINT}: every API
 * and download request then goes there, whatever CivitAI host the URL named. Without one, the
 * host the URL named is used ({@code civitai.com} for AIRs and {@code api.civitai.com} links).
 *
 * <h2>Options ({@link DownloadRequest#option})</h2>
 * <ul>
 *   <li>{@code civitai.fileId}: the exact file id (wins over the other selectors)</li>
 *   <li>{@code civitai.type}: the file type, e.g. {@code Model}, {@code VAE}, {@code Training Data}</li>
 *   <li>{@code civitai.format}: {@code SafeTensor}, {@code PickleTensor}, {@code GGUF}... (also
 *       {@code safetensors}, {@code ckpt}, {@code gguf})</li>
 *   <li>{@code civitai.size}: {@code pruned} or {@code full}</li>
 *   <li>{@code civitai.fp}: precision, e.g. {@code fp16}, {@code bf16}, {@code fp8}</li>
 *   <li>{@code civitai.quantType}: GGUF quantisation, e.g. {@code Q8_0}</li>
 *   <li>{@code civitai.a1111Json}: {@code true} to also write A1111's {@code <base>.json}</li>
 *   <li>{@code civitai.preview}: {@code any} (default: the first still image), {@code sfw} (the
 *       first one CivitAI rates PG or PG-13) or {@code none}</li>
 * </ul>
 * Options override the same selectors in the URL; selectors compare case-insensitively.
 *
 * <h2>Sidecars</h2>
 * Beside the model: {@code <base>.civitai.info} (the model-version JSON, indented as the Civitai
 * Helper extension writes it; refreshed on every run), {@code <base>.preview.<png|jpg|webp>} (the
 * first still image, kept if present) and, with {@code civitai.a1111Json=true}, A1111's
 * {@code <base>.json} ("activation text" from the trained words, "sd version" from the base model;
 * never overwritten). {@code Downloads.Builder.sidecars(false)} or
 * {@code DownloadRequest.sidecars(false)} turns them off.
 *
 * <h2>Identifying local files</h2>
 * {@link #identify(Path)} builds a request that hashes a local file, looks the hash up with
 * {@code /api/v1/model-versions/by-hash/SHA256}, and writes the same sidecars beside it without
 * downloading anything; the result carries the metadata (its status is {@code ALREADY_PRESENT}).
 * A file CivitAI does not know fails with {@code NOT_FOUND}.
 */
public final class CivitaiResolver implements SourceResolver {
  /** The resolver's name, and its key for {@code token(...)} and {@code endpoint(...)} on the builder. */
  public static final String NAME = "civitai";

  /** Discovered by {@link java.util.ServiceLoader}; may also be registered on the builder. */
  public CivitaiResolver() {
  }

  /**
   * A request that identifies a local model file on CivitAI and writes its sidecars.
   *
   * <pre>{@code
   * DownloadResult r = downloads.download(CivitaiResolver.identify(Path.of("models/Lora/foo.safetensors")));
   * r.metadata().pageUrl().ifPresent(System.out::println);
   * }</pre>
   *
   * @param modelFile the local file; the sidecars are written beside it
   * @return a request for {@code Downloads.download(...)}; options such as {@code civitai.a1111Json} may be added
   */
  public static DownloadRequest identify(Path modelFile) {
    Objects.requireNonNull(modelFile, "modelFile");
    return DownloadRequest.of(Identification.source(modelFile));
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Above the default so that CivitAI links never fall through to the plain-URL resolver. */
  @Override
  public int priority() {
    return 100;
  }

  @Override
  public boolean accepts(String source) {
    return Identification.matches(source) || ReferenceParser.accepts(source);
  }

  @Override
  public List<RemoteFile> resolve(SourceRequest request, ResolverContext context) throws DownloadException {
    ResolverOptions options = ResolverOptions.parse(request.options());
    if (Identification.matches(request.source())) {
      return List.of(identified(Identification.file(request.source()), options, context));
    }
    Reference ref = ReferenceParser.parse(request.source());
    CivitaiApi api = CivitaiApi.connect(context, ref.webHost(), ref.token());
    JsonNode model = null;
    long versionId;
    if (ref.versionId() != null) {
      versionId = ref.versionId();
    } else {
      model = api.model(ref.modelId());
      versionId = latestVersion(model, ref.modelId(), api);
    }
    VersionJson version = api.version(versionId);
    if (ref.modelId() != null && version.modelId() >= 0 && version.modelId() != ref.modelId()) {
      throw new DownloadException(Kind.INVALID_REQUEST, "CivitAI model version " + versionId + " belongs to model "
          + version.modelId() + ", not to model " + ref.modelId() + "; check the link");
    }
    checkDownloadable(version, api);
    FileEntry file = ref.choice().overriddenBy(options.choice()).choose(version);
    URI location = api.resolveDownload(version, file);
    RemoteFile.Builder remote = remoteFile(location, api, version, file, options, model, context)
        .fileName(file.name());
    if (file.sha256().isPresent()) {
      remote.sha256(file.sha256().get());
    } else {
      context.notice("CivitAI has not published a SHA-256 for " + file.name() + " yet, so it cannot be verified");
    }
    return List.of(remote.build());
  }

  /** A local file, looked up by its SHA-256, to be completed with sidecars where it is. */
  private RemoteFile identified(Path path, ResolverOptions options, ResolverContext context) throws DownloadException {
    CivitaiApi api = CivitaiApi.connect(context, null, null);
    String sha256 = Identification.sha256(path);
    VersionJson version = api.versionByHash(sha256).orElseThrow(() -> new DownloadException(Kind.NOT_FOUND,
        "CivitAI knows no model file with the SHA-256 of " + path.getFileName() + " (" + sha256 + "); it may be"
            + " private, deleted, or not from CivitAI"));
    Optional<FileEntry> same = version.files().stream().filter(f -> f.sha256().filter(sha256::equals).isPresent())
        .findFirst();
    FileEntry file = same.isPresent() ? same.get() : FileChoice.ANY.choose(version);
    long size;
    try {
      size = Files.size(path);
    } catch (IOException e) {
      throw new DownloadException(Kind.LOCAL_IO, "cannot read " + path + ": " + e.getMessage(), e);
    }
    return remoteFile(api.downloadUrl(version.id(), file.id()), api, version, file, options, null, context)
        .target(path.toAbsolutePath())
        .fileName(path.getFileName().toString())
        .size(size)
        .sha256(sha256) // the engine trusts a file at the target only by a hash (or its own record of it)
        .metadata(version.metadata(file, api.page(version.modelId(), version.id())).toBuilder()
            .attribute("civitai.sha256", sha256).build())
        .build();
  }

  private static RemoteFile.Builder remoteFile(URI location, CivitaiApi api, VersionJson version, FileEntry file,
      ResolverOptions options, JsonNode model, ResolverContext context) {
    RemoteFile.Builder b = RemoteFile.builder(location)
        .refreshUrl(api.downloadUrl(version.id(), file.id()))
        .identity("civitai:file:" + file.id())
        .metadata(version.metadata(file, api.page(version.modelId(), version.id())));
    api.bearer().ifPresent(b::header);
    String description = options.a1111Json() ? modelDescription(model, version, api, context) : null;
    SidecarFiles.of(version, options.a1111Json(), description, options.preview()).forEach(b::sidecar);
    return b;
  }

  /**
   * A fresh storage link when the old one expired mid-download, asked from the download endpoint as
   * at the start (with the same token, never sent to the storage host), so that its answers — a
   * revoked token, Early Access, a login page — fail with the same precise errors.
   */
  @Override
  public URI refresh(RemoteFile file, ResolverContext context) throws DownloadException {
    Map<String, String> a = file.metadata().attributes();
    String what = "file " + a.getOrDefault("civitai.fileId", "?") + file.fileName().map(n -> " (" + n + ")").orElse("")
        + " of model version " + a.getOrDefault("civitai.versionId", "?");
    CivitaiApi api = CivitaiApi.forRefresh(context, file);
    return api.resolveDownload(file.refreshUrl(), new ApiErrors.Subject(what, file.metadata().pageUrl()
        .orElse(Secret.redact(file.refreshUrl().toString()))));
  }

  /** The newest published version; {@code modelVersions[]} lists the newest first. */
  private static long latestVersion(JsonNode model, long modelId, CivitaiApi api) throws DownloadException {
    for (JsonNode v : model.path("modelVersions")) {
      String status = v.path("status").asText("Published");
      if (status.equals("Published") && v.path("id").canConvertToLong()) {
        return v.path("id").asLong();
      }
    }
    throw new DownloadException(Kind.NOT_FOUND, "CivitAI model " + modelId + " has no published version to download;"
        + " see " + api.page(modelId, null));
  }

  private static void checkDownloadable(VersionJson version, CivitaiApi api) throws DownloadException {
    String moderation = version.moderation();
    if (moderation != null && (moderation.equals("Archived") || moderation.equals("TakenDown"))) {
      throw new DownloadException(Kind.NOT_FOUND, "CivitAI model " + version.modelId() + " is "
          + (moderation.equals("Archived") ? "archived" : "taken down") + " and can no longer be downloaded; see "
          + api.page(version.modelId(), version.id()));
    }
  }

  /** The model's description for A1111's card; only worth an extra request when that file is wanted. */
  private static String modelDescription(JsonNode model, VersionJson version, CivitaiApi api, ResolverContext context) {
    try {
      JsonNode m = model != null ? model : api.model(version.modelId());
      return m.path("description").textValue();
    } catch (DownloadException e) {
      context.notice("the A1111 card of model " + version.modelId() + " gets no description: " + e.getMessage());
      return null;
    }
  }
}
