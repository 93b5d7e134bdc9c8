package io.modelfetch.cli;

import io.modelfetch.DownloadException.Kind;

/** The process exit status for each kind of failure, so scripts can react without parsing messages. */
final class ExitCodes {
  private ExitCodes() {
  }

  static int of(Kind kind) {
    switch (kind) {
      case NOT_FOUND: return 3;
      case AUTHENTICATION_REQUIRED: return 4;
      case ACCESS_DENIED: return 5;
      case RATE_LIMITED:
      case QUOTA_EXCEEDED: return 6;
      case CHECKSUM_MISMATCH: return 7;
      case INSUFFICIENT_SPACE: return 8;
      case FILE_EXISTS: return 9;
      case NETWORK: return 10;
      case UNEXPECTED_RESPONSE: return 11;
      case UNSUPPORTED_SOURCE: return 12;
      case INVALID_REQUEST: return 2;
      case CANCELLED: return 130;
      default: return 1;
    }
  }
}
