package io.tunnelstore.tunnel.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;

/** An executor that keeps tasks until the test runs them, to hold a callback "in flight". Thread-safe. */
public final class HeldExecutor implements Executor {
    private final Deque<Runnable> tasks = new ArrayDeque<>();

    @Override
    public synchronized void execute(Runnable command) {
        tasks.addLast(command);
    }

    public synchronized int size() {
        return tasks.size();
    }

    /** Runs the oldest held task; returns false if none. */
    public boolean runNext() {
        Runnable r;
        synchronized (this) {
            r = tasks.pollFirst();
        }
        if (r == null) {
            return false;
        }
        r.run();
        return true;
    }
}
