package io.tunnelstore.tunnel.internal;

import java.util.PriorityQueue;

/**
 * Fake time for worker tests: a {@link WorkerScheduler} whose clock only moves in {@link #advance}, and whose
 * tasks run on the test thread in {@link #runUntilIdle()} (due order, FIFO for equal times). Also usable as
 * the read/process executor, which makes a whole worker run deterministically on one thread.
 */
public final class ManualScheduler implements WorkerScheduler {
    private record Task(long due, long seq, Runnable run, boolean[] cancelled) {
    }

    private final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) -> a.due != b.due
            ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
    private long now = 1_000_000;
    private long seq;
    private Thread runner;
    private int shutdowns;

    @Override
    public synchronized long nowMillis() {
        return now;
    }

    @Override
    public void execute(Runnable task) {
        schedule(task, 0);
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, long delayMillis) {
        boolean[] cancelled = new boolean[1];
        tasks.add(new Task(now + Math.max(0, delayMillis), seq++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    @Override
    public synchronized void shutdown() {
        shutdowns++;  // several workers may share this fake loop: nothing is dropped
    }

    @Override
    public synchronized boolean inLoop() {
        return Thread.currentThread() == runner;
    }

    /** Times a worker released its loop. */
    public synchronized int shutdowns() {
        return shutdowns;
    }

    /** Runs every task due now (including ones they schedule for now). */
    public void runUntilIdle() {
        runDueUpTo(nowMillis());
    }

    /** Moves the clock forward by {@code millis}, running due tasks at their due times. */
    public void advance(long millis) {
        long target;
        synchronized (this) {
            target = now + millis;
        }
        runDueUpTo(target);
        synchronized (this) {
            now = target;
        }
        runUntilIdle();
    }

    /** Advances in steps of {@code step} ms until {@code total} ms have passed. */
    public void advanceInSteps(long total, long step) {
        for (long t = 0; t < total; t += step) {
            advance(Math.min(step, total - t));
        }
    }

    private void runDueUpTo(long target) {
        int guard = 0;
        while (true) {
            Task t;
            synchronized (this) {
                t = tasks.peek();
                if (t == null || t.due > target) {
                    return;
                }
                tasks.poll();
                now = Math.max(now, t.due);
                runner = Thread.currentThread();
            }
            if (++guard > 2_000_000) {
                throw new IllegalStateException("task storm: more than 2M tasks without time passing");
            }
            try {
                if (!t.cancelled[0]) {
                    t.run.run();
                }
            } finally {
                synchronized (this) {
                    runner = null;
                }
            }
        }
    }

    /** Number of queued tasks (including cancelled ones not yet popped). */
    public synchronized int pending() {
        return tasks.size();
    }
}
