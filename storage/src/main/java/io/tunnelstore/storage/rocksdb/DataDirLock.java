package io.tunnelstore.storage.rocksdb;

import io.tunnelstore.storage.StorageException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive OS file lock on {@code <dataDir>/tunnelstore.lock}, held while an engine is open, so that a second
 * process (or a second engine in this JVM) fails fast with a clear message instead of RocksDB's "lock file" error.
 * The OS releases it when the process dies, so {@code kill -9} never leaves a stale lock. Thread-safe.
 */
final class DataDirLock implements AutoCloseable {
    static final String FILE_NAME = "tunnelstore.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DataDirLock acquire(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StorageException("cannot open lock file " + file, e);
        }
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw inUse(dataDir, null);
            }
            return new DataDirLock(channel, lock);
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw inUse(dataDir, e);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StorageException("cannot lock " + file, e);
        } catch (StorageException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static StorageException inUse(Path dataDir, Throwable cause) {
        String message = "data directory " + dataDir + " is in use by another Tunnelstore process"
                + " (or by another engine in this process)";
        return cause == null ? new StorageException(message) : new StorageException(message, cause);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing was locked; the open failure is what the caller needs to see
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            throw new StorageException("cannot release the data directory lock", e);
        } finally {
            closeQuietly(channel);
        }
    }
}
