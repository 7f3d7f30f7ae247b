package io.tunnelstore.it;

import static io.tunnelstore.it.ItServer.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.client.ChannelInfo;
import io.tunnelstore.client.CreateTableRequest;
import io.tunnelstore.client.CreateTunnelRequest;
import io.tunnelstore.client.Credentials;
import io.tunnelstore.client.PrimaryKeyType;
import io.tunnelstore.client.RefreshingCredentialsProvider;
import io.tunnelstore.client.TableClient;
import io.tunnelstore.client.TablestoreException;
import io.tunnelstore.client.TunnelClient;
import io.tunnelstore.client.TunnelType;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.server.auth.CredentialStore;
import io.tunnelstore.server.auth.TemporaryCredentials;
import io.tunnelstore.tunnel.SimpleProcessorFactory;
import io.tunnelstore.tunnel.TunnelWorker;
import io.tunnelstore.tunnel.TunnelWorkerConfig;
import io.tunnelstore.tunnel.WorkerListener;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker signs with STS-style credentials minted by the server ({@link CredentialStore#mintTemporary}, 6 s
 * lifetime) through a {@link RefreshingCredentialsProvider} refreshing every 2 s: it keeps consuming across several
 * rotations, and after the first credentials expired (the server now rejects them) nothing fails.
 */
class CredentialRefreshTest {
    private static final Duration TTL = Duration.ofSeconds(6);

    @TempDir
    Path dataDir;

    @Test
    void workerKeepsConsumingAcrossCredentialRotations() throws Exception {
        try (ItServer ots = new ItServer(dataDir)) {
            ots.tables.createTable(CreateTableRequest.builder("sts").addPrimaryKey("id", PrimaryKeyType.INTEGER)
                    .streamEnabled(24).build());
            String tunnelId = ots.tunnels.createTunnel(CreateTunnelRequest.of("sts", "rotating", TunnelType.STREAM));
            CredentialStore store = ots.server().context().credentialStore();
            String parentKey = store.createAccessKey(ItServer.INSTANCE, true, System.currentTimeMillis())
                    .accessKeyId();
            List<Credentials> minted = new CopyOnWriteArrayList<>();
            AtomicInteger failures = new AtomicInteger();
            List<String> failureLog = new CopyOnWriteArrayList<>();
            AtomicInteger sessions = new AtomicInteger();
            Deliveries got = new Deliveries();

            try (RefreshingCredentialsProvider sts = RefreshingCredentialsProvider.builder(() -> {
                        TemporaryCredentials t = store.mintTemporary(ItServer.INSTANCE, parentKey, TTL,
                                System.currentTimeMillis());
                        Credentials c = Credentials.temporary(t.accessKeyId(), t.accessKeySecret(), t.securityToken(),
                                Instant.ofEpochMilli(t.expiresAtMillis()));
                        minted.add(c);
                        return c;
                    })
                    .refreshInterval(Duration.ofSeconds(2))
                    .refreshAheadOfExpiry(Duration.ofSeconds(3))
                    .retryDelay(Duration.ofSeconds(1))
                    .build();
                    TunnelClient stsTunnels = TunnelClient.builder().config(ots.clientConfig())
                            .credentialsProvider(sts).build()) {
                TunnelWorkerConfig config = TunnelWorkerConfig.builder().heartbeatInterval(Duration.ofSeconds(5))
                        .heartbeatTimeout(Duration.ofSeconds(15)).checkpointInterval(Duration.ofSeconds(1))
                        .closeOnJvmExit(false)
                        .listener(new WorkerListener() {
                            @Override
                            public void connected(String tunnelId, String clientId) {
                                sessions.incrementAndGet();
                            }

                            @Override
                            public void heartbeatFailed(String tunnelId, Throwable error) {
                                failures.incrementAndGet();
                                failureLog.add("heartbeat: " + error);
                            }

                            @Override
                            public void checkpointFailed(String channelId, Throwable error) {
                                failures.incrementAndGet();
                                failureLog.add("checkpoint: " + error);
                            }

                            @Override
                            public void sessionExpired(String tunnelId, String clientId, String reason) {
                                failures.incrementAndGet();
                                failureLog.add("session: " + reason);
                            }
                        })
                        .processorFactory(SimpleProcessorFactory.of(null,
                                (ctx, records) -> got.add("sts", ctx, records)))
                        .build();
                try (TunnelWorker worker = new TunnelWorker(stsTunnels, tunnelId, config)) {
                    worker.start();
                    await("the stream channel is open", Duration.ofSeconds(20), () -> ots.channels("sts", "rotating")
                            .stream().allMatch(c -> c.status() == ChannelInfo.Status.OPEN));
                    for (long id = 0; id < 10; id++) {
                        ots.put("sts", id, Cell.put("v", ColumnValue.ofLong(id)));
                    }
                    await("first 10 rows", Duration.ofSeconds(20), () -> got.size() == 10);

                    Credentials first = minted.get(0);
                    await("the first credentials expired and 3 rotations happened", Duration.ofSeconds(30),
                            () -> Instant.now().isAfter(first.expiration().plusSeconds(1)) && minted.size() >= 4);
                    try (TableClient stale = TableClient.builder().config(ots.clientConfig())
                            .credentials(first).build()) {
                        assertThatThrownBy(() -> stale.getRow("sts", ItServer.pk(0)))
                                .isInstanceOfSatisfying(TablestoreException.class,
                                        e -> assertThat(e.errorCode()).isEqualTo("OTSAuthFailed"));
                    }

                    for (long id = 10; id < 20; id++) {
                        ots.put("sts", id, Cell.put("v", ColumnValue.ofLong(id)));
                    }
                    await("rows written after the rotation", Duration.ofSeconds(20), () -> got.size() == 20);
                    assertThat(got.ids()).isEqualTo(LongStream.range(0, 20).boxed().collect(Collectors.toSet()));
                    assertThat(failures.get()).as("worker failures: %s", failureLog).isZero();
                    assertThat(sessions.get()).as("one session the whole time").isEqualTo(1);
                    assertThat(minted.stream().map(Credentials::accessKeyId).distinct().count())
                            .isEqualTo(minted.size());
                }
            }
        }
    }
}
