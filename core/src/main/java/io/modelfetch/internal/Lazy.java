package io.modelfetch.internal;

import java.util.function.Supplier;

/**
 * A value built on first use. TLS contexts and the control-plane client are expensive to set up
 * (the JDK's trust store, a selector thread) and a plain-http download needs neither.
 */
final class Lazy<T> implements Supplier<T> {
  private final Supplier<T> factory;
  private volatile T value;

  public Lazy(Supplier<T> factory) {
    this.factory = factory;
  }

  @Override
  public T get() {
    T v = value;
    if (v == null) {
      synchronized (this) {
        v = value;
        if (v == null) {
          v = factory.get();
          value = v;
        }
      }
    }
    return v;
  }
}
