package io.tunnelstore.server.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty HTTP/1.1 listener. Per connection: [{@code SslHandler}] → {@link ConnectionGuard} (connection cap,
 * header/body/idle timeouts) → {@code HttpServerCodec} → {@link RequestAssembler} (admission from the headers, body
 * limit and server-wide body budget) → {@link HttpConnectionHandler} (in-order answers, keep-alive). All request
 * logic lives in the {@link RequestDispatcher}; the event loops only decode, admit, hand over and write.
 *
 * <p>Lifecycle: {@link #bind} starts listening and returns a running server; {@link #close} stops accepting, closes
 * open connections and stops the event loops (idempotent). Thread-safe.
 */
public final class HttpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

    private final EventLoopGroup bossGroup;
    private final EventLoopGroup ioGroup;
    private final Channel serverChannel;
    private final ConnectionBudget budget;
    private final boolean tls;
    private boolean closed;

    private HttpServer(EventLoopGroup bossGroup, EventLoopGroup ioGroup, Channel serverChannel,
                       ConnectionBudget budget, boolean tls) {
        this.bossGroup = bossGroup;
        this.ioGroup = ioGroup;
        this.serverChannel = serverChannel;
        this.budget = budget;
        this.tls = tls;
    }

    /** As {@link #bind(String, int, int, int, ConnectionLimits, SslContext, RequestDispatcher)}, plain http. */
    public static HttpServer bind(String host, int port, int maxBodyBytes, int ioThreads,
                                  RequestDispatcher dispatcher) {
        return bind(host, port, maxBodyBytes, ioThreads, ConnectionLimits.DEFAULTS, null, dispatcher);
    }

    /**
     * Binds {@code host:port} ({@code port} 0 picks a free port) and starts serving.
     *
     * @param maxBodyBytes largest accepted request body; larger ones get {@code 413 OTSRequestBodyTooLarge}
     * @param ioThreads    number of event-loop threads
     * @param limits       connection cap, buffered-body cap and timeouts
     * @param sslContext   server TLS context for https, or {@code null} for plain http
     * @throws IllegalStateException when the address cannot be bound
     */
    public static HttpServer bind(String host, int port, int maxBodyBytes, int ioThreads, ConnectionLimits limits,
                                  SslContext sslContext, RequestDispatcher dispatcher) {
        Objects.requireNonNull(dispatcher, "dispatcher");
        ConnectionBudget budget = new ConnectionBudget(limits);
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("tunnelstore-accept"),
                NioIoHandler.newFactory());
        EventLoopGroup io = new MultiThreadIoEventLoopGroup(ioThreads, new DefaultThreadFactory("tunnelstore-io"),
                NioIoHandler.newFactory());
        try {
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(boss, io)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (sslContext != null) {
                                ch.pipeline().addLast("tls", sslContext.newHandler(ch.alloc()));
                            }
                            ConnectionGuard guard = new ConnectionGuard(budget, System::nanoTime);
                            ch.pipeline()
                                    .addLast("guard", guard)
                                    .addLast("codec", new HttpServerCodec())
                                    .addLast("assembler", new RequestAssembler(dispatcher, budget, guard,
                                            maxBodyBytes))
                                    .addLast("handler", new HttpConnectionHandler(dispatcher, budget, guard));
                        }
                    });
            Channel channel = bootstrap.bind(host, port).syncUninterruptibly().channel();
            return new HttpServer(boss, io, channel, budget, sslContext != null);
        } catch (Exception e) { // Netty rethrows the checked BindException without declaring it
            boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            io.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** The address actually bound (with the real port when 0 was requested). */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Whether connections speak TLS. */
    public boolean tls() {
        return tls;
    }

    /** Connections open right now (counted against {@link ConnectionLimits#maxConnections()}). */
    public int openConnections() {
        return budget.openConnections();
    }

    /** Request body bytes held in memory right now (counted against the buffered-body cap). */
    public long bufferedBodyBytes() {
        return budget.bufferedBodyBytes();
    }

    /** Stops accepting, closes connections and waits (bounded) for the event loops to stop. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        serverChannel.close().syncUninterruptibly();
        writeQueuedAnswers();
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        log.debug("HTTP listener stopped");
    }

    /**
     * Lets every event loop run the tasks already queued on it: a request whose handler just returned has its answer
     * queued as such a task (the dispatcher's completion hops onto the connection's loop), while a loop that shuts
     * down closes its connections <em>before</em> it runs its remaining tasks, so without this a node's stop could
     * cut an answer its handler had already produced. An empty task behind them, awaited (bounded) per loop.
     */
    private void writeQueuedAnswers() {
        for (EventExecutor loop : ioGroup) {
            if (!loop.submit(() -> { }).awaitUninterruptibly(1, TimeUnit.SECONDS)) {
                log.warn("An event loop did not run its queued answers within 1 s; closing anyway");
            }
        }
    }
}
