package io.modelfetch.manager;

import io.modelfetch.DownloadHandle;
import io.modelfetch.DownloadListener;
import io.modelfetch.DownloadState;
import io.modelfetch.Downloads;
import io.modelfetch.engine.EngineTestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/** What the download manager's tests start from: the engine tests' origin and folder, and a state recorder. */
abstract class ManagerTest extends EngineTestBase {
  static final int MIB = 1 << 20;

  @Override
  protected Downloads.Builder builder() {
    return super.builder().sidecars(false);
  }

  static void waitUntil(BooleanSupplier condition, long millis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("condition not met within " + millis + " ms");
      }
      Thread.sleep(10);
    }
  }

  /** Records every state change of every download, in the order each download's listener heard them. */
  static final class States implements DownloadListener {
    private final Map<String, List<DownloadState>> byId = new ConcurrentHashMap<>();
    private final List<String> starts = new ArrayList<>();

    @Override
    public void onStateChanged(DownloadHandle download, DownloadState state) {
      byId.computeIfAbsent(download.id(), k -> new ArrayList<>()).add(state);
      if (state == DownloadState.RESOLVING) {
        synchronized (starts) {
          starts.add(download.request().source());
        }
      }
    }

    List<DownloadState> of(DownloadHandle h) {
      List<DownloadState> s = byId.get(h.id());
      return s == null ? List.of() : List.copyOf(s);
    }

    /** Sources in the order their downloads started resolving. */
    List<String> starts() {
      synchronized (starts) {
        return List.copyOf(starts);
      }
    }
  }
}
