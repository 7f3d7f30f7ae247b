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
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty HTTP/1.1 listener: {@code HttpServerCodec} → {@link OversizeRejectingAggregator} (bounded body) →
 * {@link HttpConnectionHandler} (one per connection, in-order answers, keep-alive). All request logic lives in the
 * {@link RequestDispatcher}; the event loops only decode, hand over and write.
 *
 * <p>Lifecycle: {@link #bind} starts listening and returns a running server; {@link #close} stops accepting, closes
 * open connections and stops the event loops (idempotent). Thread-safe.
 */
public final class HttpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

    private final EventLoopGroup bossGroup;
    private final EventLoopGroup ioGroup;
    private final Channel serverChannel;
    private boolean closed;

    private HttpServer(EventLoopGroup bossGroup, EventLoopGroup ioGroup, Channel serverChannel) {
        this.bossGroup = bossGroup;
        this.ioGroup = ioGroup;
        this.serverChannel = serverChannel;
    }

    /**
     * Binds {@code host:port} ({@code port} 0 picks a free port) and starts serving.
     *
     * @param maxBodyBytes largest accepted request body; larger ones get {@code 413 OTSRequestBodyTooLarge}
     * @param ioThreads    number of event-loop threads
     * @throws IllegalStateException when the address cannot be bound
     */
    public static HttpServer bind(String host, int port, int maxBodyBytes, int ioThreads,
                                  RequestDispatcher dispatcher) {
        Objects.requireNonNull(dispatcher, "dispatcher");
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
                            ch.pipeline()
                                    .addLast("codec", new HttpServerCodec())
                                    .addLast("aggregator", new OversizeRejectingAggregator(maxBodyBytes,
                                            () -> dispatcher.bodyTooLarge(maxBodyBytes)))
                                    .addLast("handler", new HttpConnectionHandler(dispatcher));
                        }
                    });
            Channel channel = bootstrap.bind(host, port).syncUninterruptibly().channel();
            return new HttpServer(boss, io, channel);
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

    /** Stops accepting, closes connections and waits (bounded) for the event loops to stop. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        serverChannel.close().syncUninterruptibly();
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        log.debug("HTTP listener stopped");
    }
}
