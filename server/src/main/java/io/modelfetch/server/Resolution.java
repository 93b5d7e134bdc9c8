package io.modelfetch.server;

import io.modelfetch.DownloadException;
import io.modelfetch.DownloadHandle;
import io.modelfetch.DownloadListener;
import io.modelfetch.DownloadRequest;
import io.modelfetch.Downloads;
import io.modelfetch.Metadata;
import io.modelfetch.ResolvedFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Answers "what would this URL download?" (names, sizes, base model, trigger words) as JSON.
 *
 * <p>Until the library has a resolve call of its own, this submits the request into a scratch
 * folder and cancels it as soon as the source is resolved ({@code onResolved}), before file bodies
 * move; the scratch folder is deleted afterwards.
 */
final class Resolution {
  private Resolution() {
  }

  static Map<String, Object> of(Downloads downloads, String url) throws DownloadException {
    Path scratch;
    try {
      scratch = Files.createTempDirectory("modelfetch-resolve");
    } catch (IOException e) {
      throw new DownloadException(DownloadException.Kind.LOCAL_IO, "cannot create a scratch folder: " + e.getMessage(), e);
    }
    CompletableFuture<List<ResolvedFile>> resolved = new CompletableFuture<>();
    DownloadHandle handle = downloads.submit(DownloadRequest.of(url).into(scratch).sidecars(false)
        .discardPartialOnCancel(true).listener(new DownloadListener() {
          @Override
          public void onResolved(DownloadHandle d, List<ResolvedFile> files) {
            d.cancel();
            resolved.complete(files);
          }

          @Override
          public void onFailed(DownloadHandle d, DownloadException error) {
            resolved.completeExceptionally(error);
          }
        }));
    try {
      return describe(resolved.get(2, TimeUnit.MINUTES));
    } catch (ExecutionException e) {
      throw e.getCause() instanceof DownloadException ? (DownloadException) e.getCause()
          : new DownloadException(DownloadException.Kind.UNEXPECTED_RESPONSE, "resolving failed: " + e.getCause(), e);
    } catch (TimeoutException e) {
      throw new DownloadException(DownloadException.Kind.NETWORK, "the source did not answer within 2 minutes", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DownloadException(DownloadException.Kind.CANCELLED, "interrupted", e);
    } finally {
      handle.cancel();
      handle.result().handle((r, e) -> deleteQuietly(scratch));
    }
  }

  private static Map<String, Object> describe(List<ResolvedFile> files) {
    List<Map<String, Object>> list = new ArrayList<>();
    long total = 0;
    for (ResolvedFile f : files) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", f.name());
      m.put("size", f.size());
      m.put("sha256", f.sha256());
      list.add(m);
      total = total < 0 || f.size() < 0 ? -1 : total + f.size();
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("files", list);
    answer.put("totalBytes", total);
    if (total < 0 && files.size() == 1) {
      // CivitAI publishes a rounded size in KB; the exact one comes from the storage server
      String kb = files.get(0).metadata().attributes().get("civitai.sizeKB");
      answer.put("approximateBytes", kb == null ? null : (long) (Double.parseDouble(kb) * 1024));
    }
    answer.putAll(metadata(files.isEmpty() ? Metadata.NONE : files.get(0).metadata()));
    return answer;
  }

  static Map<String, Object> metadata(Metadata m) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("source", m.source().orElse(null));
    out.put("model", m.modelName().orElse(null));
    out.put("version", m.versionName().orElse(null));
    out.put("type", m.modelType().orElse(null));
    out.put("baseModel", m.baseModel().orElse(null));
    out.put("trainedWords", m.trainedWords());
    out.put("nsfw", m.nsfw().orElse(null));
    out.put("format", m.format().orElse(null));
    out.put("page", m.pageUrl().orElse(null));
    out.put("preview", m.attributes().get("civitai.previewUrl"));
    return out;
  }

  private static Void deleteQuietly(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp folder; the OS cleans it eventually
    }
    return null;
  }
}
