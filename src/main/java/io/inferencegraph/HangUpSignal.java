package io.inferencegraph;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP reloads the configuration, as daemons do (nginx, HAProxy). The JDK's only hook for it is
 * {@code sun.misc.Signal} (module jdk.unsupported), reached reflectively so that the build has no
 * proprietary-API warning; where it is missing or the signal is taken (a JVM run with {@code -Xrs}),
 * a line says so and {@code POST /admin/reload} remains.
 */
final class HangUpSignal {
  private static final Logger LOG = LoggerFactory.getLogger(HangUpSignal.class);

  private HangUpSignal() {}

  /** Runs {@code onHangUp} on the JVM's signal thread at each SIGHUP; false (logged) when it cannot. */
  static boolean install(Runnable onHangUp) {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handler = Class.forName("sun.misc.SignalHandler");
      Object reload = Proxy.newProxyInstance(handler.getClassLoader(), new Class<?>[] {handler},
          (proxy, method, args) -> switch (method.getName()) {
            case "handle" -> {
              onHangUp.run();
              yield null;
            }
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            default -> "SIGHUP: reload the configuration";
          });
      signal.getMethod("handle", signal, handler).invoke(null, signal.getConstructor(String.class).newInstance("HUP"),
          reload);
      return true;
    } catch (InvocationTargetException e) {
      LOG.warn("SIGHUP will not reload the configuration ({}); POST /admin/reload does", e.getCause().toString());
      return false;
    } catch (ReflectiveOperationException | LinkageError e) {
      LOG.warn("SIGHUP will not reload the configuration ({}); POST /admin/reload does", e.toString());
      return false;
    }
  }
}
