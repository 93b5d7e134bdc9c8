package io.modelfetch.aria2;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One answer of {@code aria2.tellStatus}, parsed (aria2 sends every number as a string).
 *
 * @param status {@code active}, {@code waiting}, {@code paused}, {@code error}, {@code complete} or {@code removed}
 * @param totalLength the size, {@code 0} until aria2 knows it
 * @param completedLength bytes on disk, including those resumed from the control file
 * @param connections connections moving bytes now
 * @param downloadSpeed bytes per second now
 * @param errorCode aria2's exit-status code of the failure, {@code 0} when none
 * @param errorMessage aria2's description of the failure, often empty
 */
record Aria2Status(String status, long totalLength, long completedLength, int connections, long downloadSpeed,
    int errorCode, String errorMessage) {

  static Aria2Status of(JsonNode node) {
    return new Aria2Status(node.path("status").asText(), node.path("totalLength").asLong(),
        node.path("completedLength").asLong(), node.path("connections").asInt(), node.path("downloadSpeed").asLong(),
        node.path("errorCode").asInt(),
        node.path("errorMessage").asText(""));
  }

  boolean isComplete() {
    return status.equals("complete");
  }

  boolean isFailed() {
    return status.equals("error");
  }

  boolean isRemoved() {
    return status.equals("removed");
  }

  /** Milliseconds until the download should be complete at the current speed, or -1 when unknown. */
  long millisLeft() {
    if (totalLength <= 0 || downloadSpeed <= 0) {
      return -1;
    }
    return Math.max(0, totalLength - completedLength) * 1000 / downloadSpeed;
  }
}
