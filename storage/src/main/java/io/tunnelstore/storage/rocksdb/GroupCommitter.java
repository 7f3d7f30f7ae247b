package io.tunnelstore.storage.rocksdb;

import io.tunnelstore.storage.StorageException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of the engine: drains the queue of pending commits, merges as many as are waiting (up to a cap)
 * into one {@link WriteBatch}, writes it with one WAL sync, then tells the listener about the durable commits and
 * completes their futures, in queue order. Concurrent committers thereby share fsyncs (group commit), and because
 * commits are written in the order they were queued, a caller that assigns log sequence numbers while queueing (under
 * one lock) gets commit order == sequence order.
 *
 * <p>Failure policy: if a write fails, the engine cannot know whether later sequence numbers would leave a gap, so
 * the committer becomes <em>failed</em>: that group and every later commit complete exceptionally with a
 * {@link StorageException}; the engine must be reopened (recovery re-reads the counters from disk).
 *
 * <p>Thread-safety: {@link #enqueue} may be called from any thread; everything else runs on the committer thread.
 */
final class GroupCommitter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitter.class);
    private static final int MAX_GROUP_COMMITS = 16_384;
    private static final long MAX_GROUP_BYTES = 16L << 20;

    /** Writes one merged batch durably (the engine: {@code db.write(syncOptions, batch)}). */
    @FunctionalInterface
    interface BatchWriter {
        void write(WriteBatch batch) throws RocksDBException;
    }

    /** Told about a group's commits once they are durable, before their futures complete (on the committer thread). */
    interface DurableListener {
        void committed(PendingCommit commit);

        /** With the group's WAL write timing ({@link System#nanoTime()} before and after the write + fsync). */
        default void committed(PendingCommit commit, long writeStartNanos, long durableNanos) {
            committed(commit);
        }
    }

    /** One queued commit; {@code appended} is null when it wrote no log record. */
    record PendingCommit(WriteOps ops, AppendedRecord appended, CompletableFuture<Void> done) {}

    /** The log position a commit appended. */
    record AppendedRecord(long tableId, long shardId, long sequence) {}

    private static final PendingCommit STOP = new PendingCommit(null, null, null);

    private final BatchWriter writer;
    private final DurableListener listener;
    private final String name;
    private final LinkedBlockingQueue<PendingCommit> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile StorageException failure;
    /** Number of WriteBatches written; with {@link #queuedCommits()} it lets tests observe grouping. */
    private final AtomicLong batchesWritten = new AtomicLong();

    GroupCommitter(BatchWriter writer, DurableListener listener, String name) {
        this.writer = writer;
        this.listener = listener;
        this.name = name;
        this.thread = new Thread(this::run, "tunnelstore-storage-committer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Queues a commit. Callers that need an order among commits (log sequences) must call this under their own lock.
     *
     * @throws StorageException if an earlier write failed
     * @throws IllegalStateException if called on the committer thread (from a log listener)
     */
    CompletableFuture<Void> enqueue(WriteOps ops, AppendedRecord appended) {
        refuseCommitterThread();
        checkHealthy();
        CompletableFuture<Void> done = new CompletableFuture<>();
        queue.add(new PendingCommit(ops, appended, done));
        return done;
    }

    long batchesWritten() {
        return batchesWritten.get();
    }

    int queuedCommits() {
        return queue.size();
    }

    /**
     * Throws if called on the committer thread: a log listener that writes would wait for its own thread forever
     * (or for a row lock held by a caller that waits for this thread).
     */
    void refuseCommitterThread() {
        if (Thread.currentThread() == thread) {
            throw new IllegalStateException("a LogListener must not write to the storage engine");
        }
    }

    void checkHealthy() {
        StorageException failed = failure;
        if (failed != null) {
            throw new StorageException("storage engine " + name + " failed earlier and must be reopened", failed);
        }
    }

    private void run() {
        List<PendingCommit> group = new ArrayList<>();
        boolean stopping = false;
        while (!stopping) {
            group.clear();
            try {
                PendingCommit first = queue.take();
                if (first == STOP) {
                    break;
                }
                group.add(first);
                long bytes = first.ops().approximateBytes();
                // take whatever else is waiting: these commits share the write and its fsync
                while (group.size() < MAX_GROUP_COMMITS && bytes < MAX_GROUP_BYTES) {
                    PendingCommit next = queue.poll();
                    if (next == null) {
                        break;
                    }
                    if (next == STOP) {
                        stopping = true;
                        break;
                    }
                    group.add(next);
                    bytes += next.ops().approximateBytes();
                }
                commit(group);
            } catch (InterruptedException e) {
                // nobody interrupts this private thread except a JVM shutdown; fail what is queued and stop
                failAll(group, new StorageException("committer of " + name + " was interrupted", e));
                drainAndFail();
                return;
            } catch (Throwable t) {
                log.error("Committer of {} failed; the engine must be reopened", name, t);
                failAll(group, new StorageException("committer of " + name + " failed", t));
            }
        }
        drainAndFail();
    }

    private void commit(List<PendingCommit> group) {
        if (failure != null) {
            failAll(group, new StorageException("storage engine " + name + " failed earlier", failure));
            return;
        }
        long writeStart;
        long durable;
        try (WriteBatch batch = new WriteBatch()) {
            for (PendingCommit pending : group) {
                pending.ops().applyTo(batch);
            }
            writeStart = System.nanoTime();
            writer.write(batch);
            durable = System.nanoTime();
            batchesWritten.incrementAndGet();
        } catch (RocksDBException e) {
            log.error("Write of {} commits to {} failed; the engine must be reopened", group.size(), name, e);
            failAll(group, new StorageException("write to " + name + " failed: " + e.getMessage(), e));
            return;
        }
        for (PendingCommit pending : group) {
            listener.committed(pending, writeStart, durable);
            pending.done().complete(null);
        }
    }

    private void failAll(List<PendingCommit> group, StorageException cause) {
        if (failure == null) {
            failure = cause;
        }
        for (PendingCommit pending : group) {
            pending.done().completeExceptionally(cause);
        }
    }

    /** Fails commits queued after the stop marker or after a fatal error; normally there are none. */
    private void drainAndFail() {
        List<PendingCommit> left = new ArrayList<>();
        queue.drainTo(left);
        left.remove(STOP);
        if (!left.isEmpty()) {
            StorageException closed = new StorageException("storage engine " + name + " is closed");
            for (PendingCommit pending : left) {
                pending.done().completeExceptionally(closed);
            }
        }
    }

    /** Writes what is queued, then stops the committer thread. */
    @Override
    public void close() {
        queue.add(STOP);
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
