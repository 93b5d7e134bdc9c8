package io.modelfetch.internal.file;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The resume state beside a partial file ({@code NAME.part.state}): which content the part holds
 * (the resolver's identity, the server's validator, the size) and which byte ranges of it are
 * known to be on disk.
 *
 * <p>Written only after the data it describes has been forced to disk, and atomically (a temp
 * file, forced, then renamed over the old one), so a {@code kill -9} or power loss at any instant
 * leaves either the previous state or the new one, each describing bytes that are really there.
 *
 * @param identity the resolver's stable identity of the content (never a signed URL)
 * @param validator the ETag (or Last-Modified) the ranges were fetched under; may be null
 * @param size the complete size
 * @param ranges completed ranges, sorted, non-overlapping, as {@code [start, end)} pairs
 */
public record ControlFile(String identity, String validator, long size, List<long[]> ranges) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int FORMAT = 1;

  public ControlFile {
    ranges = List.copyOf(ranges);
  }

  public static Path pathFor(Path partFile) {
    return partFile.resolveSibling(partFile.getFileName() + ".state");
  }

  /** Bytes covered by the completed ranges. */
  public long completedBytes() {
    long sum = 0;
    for (long[] r : ranges) {
      sum += r[1] - r[0];
    }
    return sum;
  }

  /** Reads the state; empty when there is none or it cannot be trusted (unreadable, another format). */
  public static Optional<ControlFile> read(Path path) {
    if (!Files.isRegularFile(path)) {
      return Optional.empty();
    }
    try {
      JsonNode root = JSON.readTree(Files.readAllBytes(path));
      if (root == null || root.path("format").asInt() != FORMAT) {
        return Optional.empty();
      }
      long size = root.path("size").asLong(-1);
      List<long[]> ranges = new ArrayList<>();
      long previousEnd = 0;
      for (JsonNode r : root.path("ranges")) {
        long start = r.path(0).asLong(-1);
        long end = r.path(1).asLong(-1);
        if (start < previousEnd || end <= start || end > size) {
          return Optional.empty();
        }
        ranges.add(new long[] {start, end});
        previousEnd = end;
      }
      String validator = root.hasNonNull("validator") ? root.get("validator").asText() : null;
      return Optional.of(new ControlFile(root.path("identity").asText(), validator, size, ranges));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Writes the state atomically; the caller has already forced the data it describes. */
  public void write(Path path) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("identity", identity);
    if (validator != null) {
      root.put("validator", validator);
    }
    root.put("size", size);
    ArrayNode array = root.putArray("ranges");
    for (long[] r : ranges) {
      array.addArray().add(r[0]).add(r[1]);
    }
    byte[] bytes = JSON.writeValueAsBytes(root);
    Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    try {
      Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  public static void delete(Path path) throws IOException {
    Files.deleteIfExists(path);
    Files.deleteIfExists(path.resolveSibling(path.getFileName() + ".tmp"));
  }
}
