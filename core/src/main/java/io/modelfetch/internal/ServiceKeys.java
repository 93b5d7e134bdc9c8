package io.modelfetch.internal;

import io.modelfetch.spi.SourceResolver;
import java.util.Collection;
import java.util.List;

/**
 * Checks token and endpoint keys against the services the resolvers declare (their names), so a
 * misspelt key ({@code civit}) fails at once instead of silently sending no token.
 */
final class ServiceKeys {
  private ServiceKeys() {
  }

  static void check(String what, Collection<String> keys, List<SourceResolver> resolvers) {
    List<String> known = resolvers.stream().map(SourceResolver::name).filter(n -> !n.equals("direct")).toList();
    for (String key : keys) {
      if (!known.contains(key)) {
        throw new IllegalArgumentException("unknown " + what + " key '" + key + "'; known services: "
            + (known.isEmpty() ? "none (no source plugin is on the class path)" : String.join(", ", known)));
      }
    }
  }
}
