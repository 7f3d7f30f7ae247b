package io.tunnelstore.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay in front of ZooKeeper for one node. {@link #freeze()} makes the node's connection go silent without
 * closing it, and refuses new connections, exactly what a paused process or a network cut looks like to the
 * ZooKeeper server: no heartbeats, so the session expires after its timeout. {@link #thaw()} lets traffic flow again.
 */
final class FreezableProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private boolean frozen; // guarded by gate
    private volatile boolean closed;

    FreezableProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "zk-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Connect string of the proxy. */
    String connectString() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    void freeze() {
        synchronized (gate) {
            frozen = true;
        }
    }

    void thaw() {
        synchronized (gate) {
            frozen = false;
            gate.notifyAll();
        }
    }

    private boolean isFrozen() {
        synchronized (gate) {
            return frozen;
        }
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                if (isFrozen()) {
                    client.close(); // a cut-off node cannot open a new connection either
                    continue;
                }
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                if (!closed) {
                    // keep accepting: one failed connection must not stop the relay
                    continue;
                }
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    synchronized (gate) {
                        while (frozen && !closed) {
                            gate.wait(); // silence: hold the bytes, keep the socket open
                        }
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the connection ended
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "zk-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        thaw();
        closeQuietly(server);
        sockets.forEach(FreezableProxy::closeQuietly);
    }

    private static void closeQuietly(ServerSocket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
