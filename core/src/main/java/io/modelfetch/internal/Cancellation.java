package io.modelfetch.internal;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A download's cancel signal: a flag, actions to run when it is raised (closing sockets, stopping
 * a process), and sleeps that wake up at once when it is.
 */
public final class Cancellation {
  private final Set<Runnable> actions = new LinkedHashSet<>();
  private volatile boolean cancelled;

  /** Removes its action when closed; the action has then not run, or has already. */
  public interface Registration extends AutoCloseable {
    @Override
    void close();
  }

  public boolean isCancelled() {
    return cancelled;
  }

  /** Raises the signal; returns false if it was already raised. */
  boolean cancel() {
    List<Runnable> toRun;
    synchronized (this) {
      if (cancelled) {
        return false;
      }
      cancelled = true;
      toRun = List.copyOf(actions);
      actions.clear();
      notifyAll();
    }
    toRun.forEach(Runnable::run);
    return true;
  }

  /** Runs {@code action} when cancelled (at once if already). */
  public Registration onCancel(Runnable action) {
    Runnable wrapper = action::run;
    synchronized (this) {
      if (!cancelled) {
        actions.add(wrapper);
        return () -> {
          synchronized (this) {
            actions.remove(wrapper);
          }
        };
      }
    }
    action.run();
    return () -> { };
  }

  /**
   * Sleeps for {@code millis}, never less (a server's Retry-After is a floor), or until cancelled;
   * returns false if cancelled.
   */
  public boolean sleep(long millis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    synchronized (this) {
      while (!cancelled) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return true;
        }
        try {
          wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return false;
  }
}
