package io.modelfetch;

import java.time.Duration;

/**
 * Why a request is being tried again; passed to {@link DownloadListener#onRetrying}.
 *
 * @param reason what failed, for a person ({@code "HTTP 503 from cdn.example.com"}), free of secrets
 * @param attempt the attempt about to be made, 2 for the first retry
 * @param delay how long the engine waits before it ({@code Retry-After} when the server said so)
 */
public record RetryInfo(String reason, int attempt, Duration delay) {
}
