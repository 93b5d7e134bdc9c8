package io.modelfetch.aria2;

import java.io.IOException;

/** aria2 answered an RPC call with a JSON-RPC error: the daemon is fine, it refused the request. */
final class Aria2RpcException extends IOException {
  private static final long serialVersionUID = 1L;

  Aria2RpcException(String method, int code, String message) {
    // aria2's messages name the problem ("Unauthorized", "Invalid GID ..."), never the parameters
    super("aria2 refused " + method + ": " + message + " (code " + code + ")");
  }
}
