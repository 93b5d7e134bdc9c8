package io.modelfetch.internal.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelfetch.DownloadException;
import io.modelfetch.DownloadRequest;
import io.modelfetch.DownloadState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state folder's journal: one JSON line per change (a download added, paused or resumed,
 * re-prioritised, ended), appended and forced to disk before the change is acted on, so a crash
 * loses at most a line being written, which the next start ignores. At start the journal is read,
 * folded into one entry per download, and rewritten compacted (to a temporary file, forced, then
 * moved over the old one atomically). A lock file keeps a second process off the same folder.
 *
 * <p>Why a journal and not SQLite: the state is small (a line per change, a few hundred bytes per
 * download), written from one process, and read whole at start; an append-only file with a forced
 * write is crash-safe for that without the 10+ MB native library sqlite-jdbc would add to core,
 * whose dependencies are the JDK, SLF4J and Jackson.
 */
public final class Journal implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String FILE = "downloads.journal";
  /** Ended downloads kept across restarts. */
  static final int HISTORY = 1000;

  private final Path file;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final List<Entry> restored;
  private FileChannel out;

  /** One download as the journal last saw it. */
  public record Entry(String id, long sequence, Instant submitted, DownloadRequest request, int priority,
      DownloadState state, DownloadException error) {
  }

  /** A journal that keeps nothing, for a {@code Downloads} without a state folder. */
  private static final Journal NONE = new Journal();

  private Journal() {
    this.file = null;
    this.lockChannel = null;
    this.lock = null;
    this.restored = List.of();
  }

  /** The journal of no state folder: it records nothing and restores nothing. */
  public static Journal none() {
    return NONE;
  }

  private Journal(Path folder) throws IOException {
    Files.createDirectories(folder);
    this.file = folder.resolve(FILE);
    this.lockChannel = FileChannel.open(folder.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock taken;
    try {
      taken = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      taken = null; // held by another Downloads in this JVM
    }
    this.lock = taken;
    if (lock == null) {
      lockChannel.close();
      throw new IllegalStateException("the state folder " + folder + " is in use by another process; give each "
          + "Downloads its own stateFolder");
    }
    this.restored = read(file);
    compact();
  }

  /** Opens (creating) the journal in {@code folder} and reads what it holds. */
  public static Journal open(Path folder) {
    try {
      return new Journal(folder);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the state folder " + folder + ": " + e.getMessage(), e);
    }
  }

  /** Every download of earlier runs, in submission order, with its last state. */
  public List<Entry> restored() {
    return restored;
  }

  public void added(String id, long sequence, Instant submitted, DownloadRequest request) {
    ObjectNode n = line("add", id).put("seq", sequence).put("submitted", submitted.toString());
    n.set("request", RequestCodec.write(request));
    append(n);
  }

  public void state(String id, DownloadState state) {
    append(line("state", id).put("state", state.name()));
  }

  public void priority(String id, int priority) {
    append(line("priority", id).put("priority", priority));
  }

  /** A terminal state, with the error of a failed or cancelled download. */
  public void ended(String id, DownloadState state, DownloadException error) {
    ObjectNode n = line("state", id).put("state", state.name());
    if (error != null) {
      n.put("kind", error.kind().name()).put("error", error.getMessage());
    }
    append(n);
  }

  private static ObjectNode line(String op, String id) {
    return JSON.createObjectNode().put("op", op).put("id", id);
  }

  private synchronized void append(JsonNode n) {
    if (out == null) {
      return;
    }
    try {
      byte[] bytes = (JSON.writeValueAsString(n) + "\n").getBytes(StandardCharsets.UTF_8);
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        out.write(b);
      }
      out.force(false);
    } catch (IOException e) {
      LOG.warn("cannot write the download journal {}: {}", file, e.toString());
    }
  }

  private static List<Entry> read(Path file) throws IOException {
    Map<String, Entry> byId = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      return List.of();
    }
    for (String text : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      JsonNode n;
      try {
        n = JSON.readTree(text);
      } catch (JsonProcessingException e) {
        LOG.warn("ignoring an unreadable line of the download journal {} (cut by a crash?)", file);
        continue;
      }
      if (n == null || !n.hasNonNull("id")) {
        continue;
      }
      String id = n.get("id").asText();
      Entry e = byId.get(id);
      switch (n.path("op").asText()) {
        case "add" -> {
          DownloadRequest r = RequestCodec.read(n.get("request"));
          byId.put(id, new Entry(id, n.path("seq").asLong(), Instant.parse(n.path("submitted").asText()), r,
              r.priority(), DownloadState.QUEUED, null));
        }
        case "state" -> {
          if (e != null) {
            byId.put(id, new Entry(id, e.sequence(), e.submitted(), e.request(), e.priority(),
                DownloadState.valueOf(n.get("state").asText()), error(n)));
          }
        }
        case "priority" -> {
          if (e != null) {
            byId.put(id, new Entry(id, e.sequence(), e.submitted(), e.request(), n.path("priority").asInt(),
                e.state(), e.error()));
          }
        }
        default -> LOG.debug("ignoring an unknown journal line in {}", file);
      }
    }
    return List.copyOf(byId.values());
  }

  private static DownloadException error(JsonNode n) {
    if (!n.path("error").isTextual()) {
      return null;
    }
    DownloadException.Kind kind;
    try {
      kind = DownloadException.Kind.valueOf(n.path("kind").asText());
    } catch (IllegalArgumentException e) {
      kind = DownloadException.Kind.LOCAL_IO;
    }
    return new DownloadException(kind, n.get("error").asText());
  }

  /** Rewrites the journal with one line set per download (history capped), atomically. */
  private void compact() throws IOException {
    Path tmp = file.resolveSibling(FILE + ".tmp");
    List<Entry> kept = new ArrayList<>();
    long ended = restored.stream().filter(e -> e.state().isTerminal()).count();
    for (Entry e : restored) {
      if (e.state().isTerminal() && ended-- > HISTORY) {
        continue;
      }
      kept.add(e);
    }
    try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      out = c;
      for (Entry e : kept) {
        added(e.id(), e.sequence(), e.submitted(), e.request());
        if (e.priority() != e.request().priority()) {
          priority(e.id(), e.priority());
        }
        if (e.state() != DownloadState.QUEUED) {
          ended(e.id(), e.state(), e.error());
        }
      }
      c.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  @Override
  public synchronized void close() {
    if (out == null) {
      return;
    }
    try {
      out.close();
      out = null;
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      LOG.debug("closing the journal {}: {}", file, e.toString());
    }
  }
}
