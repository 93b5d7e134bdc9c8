package io.modelfetch.internal.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelfetch.DownloadRequest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;

/**
 * A request as the journal stores it. Tokens are left out on purpose: no secret is ever written to
 * disk, so a restored download uses the builder's tokens (or the environment's). Listeners are not
 * stored either; the builder's listeners and factories apply to restored downloads.
 */
final class RequestCodec {
  private RequestCodec() {
  }

  static ObjectNode write(DownloadRequest r) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("source", r.source());
    r.directory().ifPresent(d -> n.put("directory", d.toAbsolutePath().toString()));
    r.file().ifPresent(f -> n.put("file", f.toAbsolutePath().toString()));
    r.sha256().ifPresent(s -> n.put("sha256", s));
    if (r.size() >= 0) {
      n.put("size", r.size());
    }
    r.connections().ifPresent(c -> n.put("connections", c));
    r.backend().ifPresent(b -> n.put("backend", b));
    n.put("overwrite", r.overwrite());
    n.put("discardPartialOnCancel", r.discardPartialOnCancel());
    r.sidecars().ifPresent(s -> n.put("sidecars", s));
    n.put("priority", r.priority());
    r.notBefore().ifPresent(t -> n.put("notBefore", t.toString()));
    n.put("bytesPerSecond", r.bytesPerSecond());
    ObjectNode options = n.putObject("options");
    r.options().forEach(options::put);
    return n;
  }

  static DownloadRequest read(JsonNode n) {
    DownloadRequest r = DownloadRequest.of(n.path("source").asText());
    if (n.hasNonNull("directory")) {
      r = r.into(Path.of(n.get("directory").asText()));
    }
    if (n.hasNonNull("file")) {
      r = r.toFile(Path.of(n.get("file").asText()));
    }
    if (n.hasNonNull("sha256")) {
      r = r.sha256(n.get("sha256").asText());
    }
    if (n.hasNonNull("size")) {
      r = r.size(n.get("size").asLong());
    }
    if (n.hasNonNull("connections")) {
      r = r.connections(n.get("connections").asInt());
    }
    if (n.hasNonNull("backend")) {
      r = r.backend(n.get("backend").asText());
    }
    if (n.hasNonNull("sidecars")) {
      r = r.sidecars(n.get("sidecars").asBoolean());
    }
    if (n.hasNonNull("notBefore")) {
      r = r.notBefore(Instant.parse(n.get("notBefore").asText()));
    }
    r = r.overwrite(n.path("overwrite").asBoolean()).discardPartialOnCancel(n.path("discardPartialOnCancel").asBoolean())
        .priority(n.path("priority").asInt()).bytesPerSecond(n.path("bytesPerSecond").asLong());
    for (Iterator<Map.Entry<String, JsonNode>> it = n.path("options").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      r = r.option(e.getKey(), e.getValue().asText());
    }
    return r;
  }
}
