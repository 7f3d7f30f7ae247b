package io.tunnelstore.storage.hbase;

import io.tunnelstore.storage.StorageException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.zookeeper.ZKConfig;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/**
 * Checks, before the HBase client is created, that the HBase cluster's ZooKeeper quorum answers, so that a wrong or
 * dead quorum fails within {@value #DEFAULT_TIMEOUT_MS} ms with one clear message. Without it the HBase client
 * retries the quorum for about 100 s (cluster id, then the meta location, each with ZooKeeper's own retries) and logs
 * a connection-refused stack trace for every attempt.
 *
 * <p>Two steps within one deadline ({@value #TIMEOUT_KEY}, milliseconds): a plain TCP connect to each quorum entry
 * in turn until one accepts (quiet: a refused or timed-out connect is only counted), then a ZooKeeper session with
 * the real client on the whole quorum, closed as soon as it is established (a server that accepts TCP but is not
 * ZooKeeper fails here). ZooKeeper being up does not prove that HBase runs on it; the HBase client's own retries
 * still apply to that case.
 */
final class ZooKeeperProbe {
    /** Configuration key: the probe's deadline in milliseconds (0 turns the probe off). */
    static final String TIMEOUT_KEY = "tunnelstore.hbase.zookeeper.probe.timeout.ms";
    static final long DEFAULT_TIMEOUT_MS = 10_000;

    private ZooKeeperProbe() {}

    /**
     * Returns when a ZooKeeper session with the quorum of {@code conf} could be opened within the deadline.
     *
     * @throws StorageException naming the quorum and why each server could not be reached
     */
    static void check(Configuration conf) {
        long timeoutMs = conf.getLong(TIMEOUT_KEY, DEFAULT_TIMEOUT_MS);
        if (timeoutMs <= 0) {
            return;
        }
        String quorum = ZKConfig.getZKQuorumServersString(conf);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        List<String> entries = List.of(quorum.split(","));
        List<String> failures = new ArrayList<>();
        boolean anyAccepts = false;
        for (int i = 0; i < entries.size() && !anyAccepts; i++) {
            String entry = entries.get(i).strip();
            // share what is left of the deadline among the entries not tried yet
            long left = remainingMs(deadline);
            int perEntry = (int) Math.max(1, left / (entries.size() - i));
            String reason = tcpConnect(entry, perEntry);
            if (reason == null) {
                anyAccepts = true;
            } else {
                failures.add(entry + ": " + reason);
            }
        }
        if (!anyAccepts) {
            throw new StorageException("cannot reach the HBase cluster's ZooKeeper quorum " + quorum + " within "
                    + seconds(timeoutMs) + " (" + String.join("; ", failures)
                    + "); check the quorum address and that ZooKeeper is running");
        }
        String failure = session(conf, quorum, Math.max(1, remainingMs(deadline)));
        if (failure != null) {
            throw new StorageException("the HBase cluster's ZooKeeper quorum " + quorum + " accepts connections but "
                    + failure + " within " + seconds(timeoutMs) + "; check that the address is ZooKeeper's client "
                    + "port");
        }
    }

    /** Null when {@code host:port} accepts a TCP connection within {@code timeoutMs}, else why not. */
    private static String tcpConnect(String entry, int timeoutMs) {
        int colon = entry.lastIndexOf(':');
        String host = colon > 0 ? entry.substring(0, colon) : entry;
        int port;
        try {
            port = colon > 0 ? Integer.parseInt(entry.substring(colon + 1)) : 2181;
        } catch (NumberFormatException e) {
            return "bad port";
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), timeoutMs);
            return null;
        } catch (UnknownHostException e) {
            return "unknown host";
        } catch (SocketTimeoutException e) {
            return "no answer in " + timeoutMs + " ms";
        } catch (ConnectException e) {
            return "connection refused";
        } catch (IOException | IllegalArgumentException e) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }

    /** Null when a ZooKeeper session with {@code quorum} is established within {@code timeoutMs}, else why not. */
    private static String session(Configuration conf, String quorum, long timeoutMs) {
        CountDownLatch connected = new CountDownLatch(1);
        Watcher watcher = event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        };
        ZooKeeper zk = null;
        try {
            zk = new ZooKeeper(quorum, (int) Math.min(Integer.MAX_VALUE, Math.max(timeoutMs, 4_000)), watcher, false,
                    ZKConfig.getZKClientConfig(conf));
            return connected.await(timeoutMs, TimeUnit.MILLISECONDS) ? null : "opened no ZooKeeper session";
        } catch (IOException e) {
            return "could not start a ZooKeeper client (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "was interrupted while opening a ZooKeeper session";
        } finally {
            if (zk != null) {
                try {
                    zk.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static long remainingMs(long deadlineNanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }

    private static String seconds(long ms) {
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }
}
