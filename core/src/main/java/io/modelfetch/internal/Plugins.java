package io.modelfetch.internal;

import io.modelfetch.spi.DownloadBackend;
import io.modelfetch.spi.SourceResolver;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds resolvers and backends: the ones registered on the builder first, then ServiceLoader's.
 * A plugin that fails to load is logged and skipped; it never stops the others.
 */
final class Plugins {
  private static final Logger LOG = LoggerFactory.getLogger(Plugins.class);

  private Plugins() {
  }

  /** Resolvers in the order they are asked: by priority, registered before discovered, direct URLs last. */
  static List<SourceResolver> resolvers(EngineConfig config) {
    List<SourceResolver> all = new ArrayList<>(config.resolvers());
    if (config.discoverPlugins()) {
      for (SourceResolver r : discover(SourceResolver.class)) {
        if (all.stream().noneMatch(x -> x.name().equals(r.name()))) {
          all.add(r);
        }
      }
    }
    if (all.stream().noneMatch(x -> x.name().equals("direct"))) {
      all.add(new DirectUrlResolver());
    }
    all.sort(Comparator.comparingInt(SourceResolver::priority).reversed());
    return List.copyOf(all);
  }

  /** Backends by name: the built-in one, then discovered, then registered (a registered one replaces a same-named one). */
  static Map<String, DownloadBackend> backends(EngineConfig config, DownloadBackend builtIn) {
    Map<String, DownloadBackend> byName = new LinkedHashMap<>();
    byName.put(builtIn.name(), builtIn);
    if (config.discoverPlugins()) {
      for (DownloadBackend b : discover(DownloadBackend.class)) {
        byName.putIfAbsent(b.name(), b);
      }
    }
    for (DownloadBackend b : config.backends()) {
      byName.put(b.name(), b);
    }
    return byName;
  }

  private static <T> List<T> discover(Class<T> type) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null) {
      loader = Plugins.class.getClassLoader();
    }
    List<T> found = new ArrayList<>();
    Iterator<T> it = ServiceLoader.load(type, loader).iterator();
    for (int errors = 0; errors < 100; ) {
      try {
        if (!it.hasNext()) {
          break;
        }
        T plugin = it.next();
        found.add(plugin);
        LOG.debug("found {} {}", type.getSimpleName(), plugin.getClass().getName());
      } catch (ServiceConfigurationError | LinkageError e) {
        errors++;
        LOG.warn("skipping a {} plugin that failed to load: {}", type.getSimpleName(), e.toString());
      }
    }
    return found;
  }

  static <T> String names(List<T> plugins, Function<T, String> name) {
    List<String> names = new ArrayList<>();
    plugins.forEach(p -> names.add(name.apply(p)));
    return String.join(", ", names);
  }
}
