package io.tunnelstore.tunnel.internal;

/**
 * Where a worker registers the hook that closes it at JVM exit: one hook per running worker, added when it starts
 * and removed when it stops (the official SDK added one per start and never removed them). Production uses
 * {@link #JVM}; tests record the hooks instead. Implementations are thread-safe.
 */
public interface ShutdownHooks {

    /** The JVM's shutdown hooks. Removing a hook while the JVM is already exiting is a no-op. */
    ShutdownHooks JVM = new ShutdownHooks() {
        @Override
        public void add(Thread hook) {
            Runtime.getRuntime().addShutdownHook(hook);
        }

        @Override
        public void remove(Thread hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException exiting) {
                // the JVM is exiting (possibly running this very hook): nothing to remove any more
            }
        }
    };

    /** Registers {@code hook} to run at JVM exit. */
    void add(Thread hook);

    /** Unregisters {@code hook}; no effect if it was not registered or the JVM is exiting. */
    void remove(Thread hook);
}
