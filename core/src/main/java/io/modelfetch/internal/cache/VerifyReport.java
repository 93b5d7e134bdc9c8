package io.modelfetch.internal.cache;

/** What {@link ContentStore#verify} found: entries whose bytes match their name, and those removed. */
public record VerifyReport(int good, int removed) {
}
