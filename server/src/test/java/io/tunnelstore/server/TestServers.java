package io.tunnelstore.server;

import io.tunnelstore.protocol.Action;
import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.protocol.errors.OtsException;
import io.tunnelstore.protocol.pb.TableProtos;
import io.tunnelstore.protocol.pb.TunnelProtos;
import io.tunnelstore.server.http.OperationRegistry;
import io.tunnelstore.server.http.RequestContext;
import io.tunnelstore.testsupport.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Starts real servers on 127.0.0.1:0 with a small test module, for transport tests. */
public final class TestServers {

    public static final String INSTANCE = "tunnelstore";
    public static final String ADMIN_AK = "testAdminKey";
    public static final String ADMIN_SK = "testAdminSecret";
    public static final List<String> TABLE_NAMES = List.of("alpha", "beta");
    public static final Instant START = Instant.parse("2026-01-02T03:04:05.678Z");

    private TestServers() {}

    /** A running server plus what tests inspect. Close it. */
    public record Running(InProcessServer inProcess, ManualClock clock, TestModule module,
                          ByteArrayOutputStream console) implements AutoCloseable {
        public TunnelstoreServer server() {
            return inProcess.server();
        }

        public String endpoint() {
            return inProcess.endpoint();
        }

        public int port() {
            return inProcess.port();
        }

        public String consoleText() {
            return console.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            inProcess.close();
        }
    }

    public static Running start(Path dataDir) {
        return start(dataDir, Duration.ofSeconds(25));
    }

    public static Running start(Path dataDir, Duration handlerTimeout) {
        return start(config(dataDir).handlerTimeout(handlerTimeout));
    }

    /** The test configuration: port 0, admin key {@link #ADMIN_AK}, a {@link ManualClock} at {@link #START}. */
    public static ServerConfig.Builder config(Path dataDir) {
        return ServerConfig.builder()
                .port(0)
                .dataDir(dataDir)
                .adminKey(ADMIN_AK, ADMIN_SK)
                .clock(ManualClock.startingAt(START))
                .withoutClockSkewCheck() // the clock stands at START; SignedRequests dates are fixed too
                .syncWrites(false)
                .workerThreads(4);
    }

    /** Starts a server with {@code config} (its clock must be a {@link ManualClock}) and a {@link TestModule}. */
    public static Running start(ServerConfig.Builder config) {
        TestModule module = new TestModule();
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        ServerConfig built = config.build();
        InProcessServer server = InProcessServer.builder(built.toBuilder())
                .module(ctx -> module)
                .console(new PrintStream(console, true, StandardCharsets.UTF_8))
                .start();
        return new Running(server, (ManualClock) built.clock(), module, console);
    }

    /**
     * Handlers with fixed behaviour: ListTable answers {@link #TABLE_NAMES}; tunnel/list one tunnel; DescribeTable
     * fails with OTSObjectNotExist; DeleteTable throws an unexpected exception; GetRow never answers; ListStream
     * answers asynchronously from another thread. Records the contexts it saw.
     */
    public static final class TestModule implements ServerModule {
        public final List<RequestContext> seen = new CopyOnWriteArrayList<>();
        public volatile boolean closed;

        @Override
        public void register(OperationRegistry registry) {
            registry.register(Action.LIST_TABLE, TableProtos.ListTableRequest.parser(), (ctx, req) -> {
                seen.add(ctx);
                return CompletableFuture.completedFuture(
                        TableProtos.ListTableResponse.newBuilder().addAllTableNames(TABLE_NAMES).build());
            });
            registry.register(Action.TUNNEL_LIST, TunnelProtos.ListTunnelRequest.parser(), (ctx, req) -> {
                seen.add(ctx);
                return CompletableFuture.completedFuture(TunnelProtos.ListTunnelResponse.newBuilder()
                        .addTunnels(TunnelProtos.TunnelInfo.newBuilder()
                                .setTunnelId("tunnel-1").setTunnelType("Stream").setTableName(req.getTableName())
                                .setInstanceName(ctx.instanceName()).setStreamId("stream-1").setStage("ProcessStream")
                                .setTunnelName("orders").setExpired(false))
                        .build());
            });
            registry.register(Action.DESCRIBE_TABLE, TableProtos.DescribeTableRequest.parser(), (ctx, req) -> {
                throw OtsException.of(ErrorCode.OBJECT_NOT_EXIST, "Requested table %s does not exist.",
                        req.getTableName());
            });
            registry.register(Action.DELETE_TABLE, TableProtos.DeleteTableRequest.parser(), (ctx, req) -> {
                throw new IllegalStateException("secret internal detail");
            });
            registry.register(Action.GET_ROW, TableProtos.GetRowRequest.parser(),
                    (ctx, req) -> new CompletableFuture<TableProtos.GetRowResponse>());
            registry.register(Action.LIST_STREAM, TableProtos.ListStreamRequest.parser(),
                    (ctx, req) -> CompletableFuture.supplyAsync(
                            () -> TableProtos.ListStreamResponse.getDefaultInstance(),
                            CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS)));
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
