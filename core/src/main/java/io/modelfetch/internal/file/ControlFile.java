package io.modelfetch.internal.file;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
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
  /** Streaming JSON: a databind ObjectMapper costs ~0.1 s to set up, on the path to the first byte. */
  private static final JsonFactory JSON = new JsonFactory();
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
    if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty(); // a link is not a state this library wrote; writing one over it will refuse it
    }
    try (JsonParser p = JSON.createParser(Files.readAllBytes(path))) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return Optional.empty();
      }
      int format = -1;
      String identity = null;
      String validator = null;
      long size = -1;
      List<long[]> ranges = new ArrayList<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.getCurrentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "format":
            format = p.getIntValue();
            break;
          case "identity":
            identity = p.getText();
            break;
          case "validator":
            validator = value == JsonToken.VALUE_NULL ? null : p.getText();
            break;
          case "size":
            size = p.getLongValue();
            break;
          case "ranges":
            if (value != JsonToken.START_ARRAY) {
              return Optional.empty();
            }
            while (p.nextToken() == JsonToken.START_ARRAY) {
              p.nextToken();
              long start = p.getLongValue();
              p.nextToken();
              long end = p.getLongValue();
              if (p.nextToken() != JsonToken.END_ARRAY) {
                return Optional.empty();
              }
              ranges.add(new long[] {start, end});
            }
            break;
          default:
            p.skipChildren();
        }
      }
      if (format != FORMAT || identity == null || !consistent(ranges, size)) {
        return Optional.empty();
      }
      return Optional.of(new ControlFile(identity, validator, size, ranges));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Sorted, non-overlapping, non-empty ranges inside the file. */
  private static boolean consistent(List<long[]> ranges, long size) {
    long previousEnd = 0;
    for (long[] r : ranges) {
      if (r[0] < previousEnd || r[1] <= r[0] || r[1] > size) {
        return false;
      }
      previousEnd = r[1];
    }
    return size >= 0;
  }

  /** Writes the state atomically; the caller has already forced the data it describes. */
  public void write(Path path) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (JsonGenerator g = JSON.createGenerator(bytes)) {
      g.writeStartObject();
      g.writeNumberField("format", FORMAT);
      g.writeStringField("identity", identity);
      if (validator != null) {
        g.writeStringField("validator", validator);
      }
      g.writeNumberField("size", size);
      g.writeArrayFieldStart("ranges");
      for (long[] r : ranges) {
        g.writeStartArray();
        g.writeNumber(r[0]);
        g.writeNumber(r[1]);
        g.writeEndArray();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    NoFollowFiles.writeAtomically(path, path.resolveSibling(path.getFileName() + ".tmp"), bytes.toByteArray());
  }

  /** Deletes the state and its temporary; a link planted at either is refused, not quietly removed. */
  public static void delete(Path path) throws IOException {
    Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
    NoFollowFiles.refuseLink(path);
    NoFollowFiles.refuseLink(tmp);
    Files.deleteIfExists(path);
    Files.deleteIfExists(tmp);
  }
}
