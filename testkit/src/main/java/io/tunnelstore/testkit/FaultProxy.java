package io.tunnelstore.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process TCP proxy on loopback in front of the server, through which the test kit's clients connect, so a
 * test can break the network between its consumers and the service:
 * <ul>
 *   <li>{@link #dropConnections()} closes every open client connection (in-flight calls fail with an I/O error;
 *       the SDK's retry policy and the worker's recovery take over);</li>
 *   <li>{@link #delayResponses(Duration)} holds every byte coming back from the server for the given time
 *       (requests still go out at once), until {@link #clearDelay()};</li>
 *   <li>{@link #blackhole(Duration)} accepts connections and swallows requests without ever answering, for the
 *       given time: clients run into their call time-outs. When the period ends, the connections that were
 *       swallowed are closed, so no stale response arrives afterwards; new connections work again.</li>
 * </ul>
 *
 * <p>The proxy copies bytes and knows nothing of HTTP, so it works with any client of the wire protocol.
 *
 * <p>Threads: one acceptor thread, two copy threads per connection (daemon threads named
 * {@code tunnelstore-proxy-*}) and one timer thread. Thread-safe: the fault methods may be called from any thread
 * at any time; they take effect for the next chunk of bytes copied. {@link #close()} closes the listener and every
 * connection; idempotent.
 */
public final class FaultProxy implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FaultProxy.class);
    private static final int BUFFER_BYTES = 16 * 1024;

    private final InetSocketAddress target;
    private final ServerSocket listener;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;
    private final AtomicInteger threadCounter = new AtomicInteger();
    private final AtomicInteger accepted = new AtomicInteger();
    /** Guards the delay waits; notified when the delay or blackhole changes or the proxy closes. */
    private final Object faultLock = new Object();
    private volatile long delayNanos;
    /** {@code System.nanoTime()} until which requests are swallowed; meaningful only while blackholeActive. */
    private volatile long blackholeUntilNanos;
    private volatile boolean blackholeActive;
    private volatile boolean closed;

    private FaultProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "tunnelstore-proxy-timer"));
        Thread acceptor = daemon(this::acceptLoop, "tunnelstore-proxy-accept-" + listener.getLocalPort());
        acceptor.start();
    }

    /**
     * Starts a proxy on a free loopback port forwarding to {@code host:port}.
     *
     * @throws IOException if no port can be bound
     */
    public static FaultProxy start(String host, int port) throws IOException {
        return new FaultProxy(new InetSocketAddress(Objects.requireNonNull(host, "host"), port));
    }

    /** The port clients should connect to. */
    public int port() {
        return listener.getLocalPort();
    }

    /** {@code http://127.0.0.1:<port>}: the endpoint to give clients that should go through the proxy. */
    public String endpoint() {
        return "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + port();
    }

    /** Connections currently open through the proxy. */
    public int openConnections() {
        return connections.size();
    }

    /** Connections accepted since the proxy started. */
    public int acceptedConnections() {
        return accepted.get();
    }

    /**
     * Closes every connection open right now (both the client's and the server side). Clients see a reset or
     * end-of-stream in the middle of whatever they were doing; new connections are accepted as usual.
     *
     * @return how many connections were closed
     */
    public int dropConnections() {
        List<Connection> open = new ArrayList<>(connections);
        open.forEach(Connection::close);
        log.info("Dropped {} proxied connection(s)", open.size());
        return open.size();
    }

    /**
     * Holds every response byte for {@code delay} after it arrived from the server, until {@link #clearDelay()}.
     * Replaces a previous delay. A call through the proxy therefore takes at least {@code delay} longer.
     */
    public void delayResponses(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative: " + delay);
        }
        synchronized (faultLock) {
            delayNanos = delay.toNanos();
            faultLock.notifyAll();
        }
    }

    /** Removes the response delay; bytes being held are released at once. */
    public void clearDelay() {
        delayResponses(Duration.ZERO);
    }

    /**
     * For {@code duration}, accepts connections and reads requests but forwards nothing and answers nothing.
     * Afterwards the swallowed connections are closed and traffic flows normally again. A new call replaces the
     * end of a running blackhole.
     */
    public void blackhole(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("duration must be positive: " + duration);
        }
        long until = System.nanoTime() + duration.toNanos();
        synchronized (faultLock) {
            blackholeUntilNanos = until;
            blackholeActive = true;
            faultLock.notifyAll();
        }
        timer.schedule(() -> endBlackholeIfDue(until), duration.toNanos(), TimeUnit.NANOSECONDS);
        log.info("Blackholing proxied traffic for {}", duration);
    }

    /** Ends a running blackhole now (as if its time were up). */
    public void clearBlackhole() {
        long until;
        synchronized (faultLock) {
            if (!blackholeActive) {
                return;
            }
            until = blackholeUntilNanos;
        }
        endBlackhole(until);
    }

    /** Whether requests are being swallowed right now. */
    public boolean isBlackholing() {
        return blackholeActive;
    }

    private void endBlackholeIfDue(long until) {
        if (blackholeUntilNanos == until) { // not extended by a later blackhole() call
            endBlackhole(until);
        }
    }

    private void endBlackhole(long until) {
        synchronized (faultLock) {
            if (!blackholeActive || blackholeUntilNanos != until) {
                return;
            }
            blackholeActive = false;
            faultLock.notifyAll();
        }
        // A swallowed exchange can never complete correctly: close it so the client starts afresh.
        for (Connection c : new ArrayList<>(connections)) {
            if (c.swallowed) {
                c.close();
            }
        }
        log.info("Blackhole over; proxied traffic flows again");
    }

    @Override
    public void close() {
        synchronized (faultLock) {
            if (closed) {
                return;
            }
            closed = true;
            blackholeActive = false;
            faultLock.notifyAll();
        }
        try {
            listener.close();
        } catch (IOException e) {
            log.debug("Closing the proxy listener failed", e);
        }
        dropConnections();
        timer.shutdownNow();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.warn("Proxy accept failed; the proxy stops accepting", e);
                }
                return;
            }
            accepted.incrementAndGet();
            try {
                open(client);
            } catch (IOException e) {
                log.warn("Proxy could not reach the server at {}; closing the client connection", target, e);
                closeQuietly(client);
            }
        }
    }

    private void open(Socket client) throws IOException {
        client.setTcpNoDelay(true);
        Connection c;
        if (blackholeActive) {
            c = new Connection(client, null); // nothing behind it: swallowed until the blackhole ends
            c.swallowed = true;
        } else {
            Socket upstream = new Socket();
            upstream.setTcpNoDelay(true);
            upstream.connect(target, 5_000);
            c = new Connection(client, upstream);
        }
        connections.add(c);
        if (closed) {
            c.close();
            return;
        }
        c.start();
    }

    /** Waits until {@code arrivedNanos + delay} (re-reading the delay when it changes). */
    private void holdResponse(long arrivedNanos) throws InterruptedException {
        synchronized (faultLock) {
            while (!closed) {
                long remaining = arrivedNanos + delayNanos - System.nanoTime();
                if (remaining <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(faultLock, remaining);
            }
        }
    }

    private Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static void closeQuietly(Socket s) {
        if (s == null) {
            return;
        }
        try {
            s.close();
        } catch (IOException e) {
            log.debug("Closing a proxied socket failed", e);
        }
    }

    /** One client connection and, unless swallowed from the start, its upstream connection to the server. */
    private final class Connection {
        final Socket client;
        final Socket upstream;
        /** Set once traffic of this connection was swallowed by a blackhole; it is closed when the blackhole ends. */
        volatile boolean swallowed;

        Connection(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void start() {
            int n = threadCounter.incrementAndGet();
            daemon(() -> pump(client, upstream, /* response= */ false), "tunnelstore-proxy-up-" + n).start();
            if (upstream != null) {
                daemon(() -> pump(upstream, client, /* response= */ true), "tunnelstore-proxy-down-" + n).start();
            }
        }

        private void pump(Socket from, Socket to, boolean response) {
            byte[] buffer = new byte[BUFFER_BYTES];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to == null ? null : to.getOutputStream();
                while (true) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        break;
                    }
                    long arrived = System.nanoTime();
                    if (blackholeActive || swallowed || out == null) {
                        swallowed = true;
                        continue;
                    }
                    if (response) {
                        holdResponse(arrived);
                        if (blackholeActive || swallowed) { // a blackhole began while the bytes were held
                            swallowed = true;
                            continue;
                        }
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (SocketException e) {
                log.debug("Proxied connection closed: {}", e.getMessage());
            } catch (IOException e) {
                log.debug("Proxied connection failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                close();
            }
        }

        void close() {
            if (connections.remove(this)) {
                closeQuietly(client);
                closeQuietly(upstream);
            }
        }
    }
}
