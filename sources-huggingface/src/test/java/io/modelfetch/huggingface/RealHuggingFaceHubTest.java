package io.modelfetch.huggingface;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadResult;
import io.modelfetch.DownloadedFile.Status;
import io.modelfetch.Downloads;
import io.modelfetch.testing.PythonPeer;
import io.modelfetch.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache layout checked by the real huggingface_hub (installed by {@code .ci/python-peers}):
 * what modelfetch writes, huggingface_hub reads offline; what huggingface_hub writes, modelfetch
 * finds without transferring a byte.
 */
class RealHuggingFaceHubTest {
  private static final byte[] WEIGHTS = TestData.bytes(1 << 20, 31);
  private static final byte[] UNET = TestData.bytes(70_000, 32);
  private static final byte[] CONFIG = "{\"model_type\": \"tiny\"}\n".getBytes(StandardCharsets.UTF_8);

  /** Prints "path size sha256" for every file of the snapshot huggingface_hub finds offline. */
  private static final String READ_OFFLINE = String.join("\n",
      "import hashlib, os, sys",
      "from huggingface_hub import snapshot_download, hf_hub_download, scan_cache_dir",
      "cache = sys.argv[1]",
      "root = snapshot_download('org/tiny', cache_dir=cache, local_files_only=True)",
      "one = hf_hub_download('org/tiny', 'unet/diffusion_pytorch_model.safetensors', cache_dir=cache, local_files_only=True)",
      "assert os.path.samefile(one, os.path.join(root, 'unet/diffusion_pytorch_model.safetensors')), one",
      "info = scan_cache_dir(cache)",
      "repo = [r for r in info.repos if r.repo_id == 'org/tiny'][0]",
      "print('repo', repo.repo_type, repo.nb_files, repo.size_on_disk, ','.join(sorted(r.commit_hash for r in repo.revisions)),",
      "      ','.join(sorted(ref for r in repo.revisions for ref in r.refs)))",
      "print('warnings', len(info.warnings))",
      "for dirpath, _, names in os.walk(root):",
      "    for name in names:",
      "        p = os.path.join(dirpath, name)",
      "        print(os.path.relpath(p, root), os.path.getsize(p), hashlib.sha256(open(p, 'rb').read()).hexdigest())");

  @TempDir
  Path tmp;
  private FakeHub fake;
  private Path cache;

  @BeforeEach
  void start() throws Exception {
    fake = FakeHub.start();
    cache = tmp.resolve("hub");
    fake.repo("", "org/tiny")
        .lfs("model.safetensors", WEIGHTS)
        .lfs("unet/diffusion_pytorch_model.safetensors", UNET)
        .git("config.json", CONFIG)
        .publish("main", 100);
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  @Test
  void huggingFaceHubReadsTheCacheModelfetchWroteOffline() throws Exception {
    PythonPeer python = PythonPeer.require("huggingface_hub");
    try (Downloads d = downloads()) {
      d.download(snapshot());
    }

    String out = python.run(READ_OFFLINE, Map.of("HF_HUB_OFFLINE", "1", "HF_HUB_DISABLE_TELEMETRY", "1"),
        cache.toString()).output();

    assertThat(out).contains("repo model 3 " + (WEIGHTS.length + UNET.length + CONFIG.length) + " "
        + FakeHub.COMMIT + " main");
    assertThat(out).contains("warnings 0");
    assertThat(out).contains("model.safetensors " + WEIGHTS.length + " " + TestData.sha256(WEIGHTS));
    assertThat(out).contains("unet/diffusion_pytorch_model.safetensors " + UNET.length + " " + TestData.sha256(UNET));
    assertThat(out).contains("config.json " + CONFIG.length + " " + TestData.sha256(CONFIG));
  }

  @Test
  void modelfetchFindsWhatHuggingFaceHubDownloadedWithoutTransferring() throws Exception {
    PythonPeer python = PythonPeer.require("huggingface_hub");
    python.run("import sys\nfrom huggingface_hub import snapshot_download\n"
            + "print(snapshot_download('org/tiny', cache_dir=sys.argv[1]))",
        Map.of("HF_ENDPOINT", fake.base(), "HF_HUB_DISABLE_TELEMETRY", "1", "HF_HUB_DISABLE_XET", "1"),
        cache.toString()).output();
    int cdnGets = cdnGets();
    assertThat(cdnGets).as("huggingface_hub fetched the LFS files from the CDN").isPositive();

    DownloadResult result;
    try (Downloads d = downloads()) {
      result = d.download(snapshot());
    }

    assertThat(result.files()).hasSize(3)
        .allSatisfy(f -> assertThat(f.status()).isEqualTo(Status.ALREADY_PRESENT));
    assertThat(result.bytesTransferred()).isZero();
    assertThat(cdnGets()).isEqualTo(cdnGets);
  }

  private int cdnGets() {
    return (int) fake.cdnRequests().stream().filter(r -> r.method().equals("GET")).count();
  }

  private Downloads downloads() {
    return Downloads.builder()
        .endpoint("huggingface", fake.base())
        .environment(FakeHub.env("HOME", tmp.resolve("home").toString(), "HF_HUB_CACHE", cache.toString()))
        .connectionsPerFile(4)
        .idleTimeout(Duration.ofSeconds(5))
        .build();
  }

  private static DownloadRequest snapshot() {
    return DownloadRequest.of("https://huggingface.co/org/tiny").into(Path.of("unused"))
        .option(HuggingFaceResolver.OPTION_CACHE, "true");
  }
}
