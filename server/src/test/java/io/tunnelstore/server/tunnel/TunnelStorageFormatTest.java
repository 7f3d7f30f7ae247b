package io.tunnelstore.server.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.protocol.pb.TunnelProtos;
import io.tunnelstore.server.tunnel.coordinator.ChannelStatus;
import io.tunnelstore.server.tunnel.coordinator.TunnelDescription;
import io.tunnelstore.storage.MetaBatch;
import io.tunnelstore.storage.MetaEntry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How tunnels are stored: per-record writes, the migration of the previous format, undecodable tunnels. */
class TunnelStorageFormatTest {

    @TempDir
    Path dir;

    private InProcessTunnels t;

    @BeforeEach
    void start() {
        t = new InProcessTunnels(dir, TunnelServiceConfig.builder().longPollWait(Duration.ZERO).build());
    }

    @AfterEach
    void stop() {
        t.close();
    }

    /**
     * {@code stored-tunnel-format1.txt} was written by the release before per-record storage (its
     * {@code TunnelRegistry} saved definition + whole snapshot under one key): a Stream tunnel on table 1 "orders",
     * one client that checkpointed channel Stream_1 once after reading 5 records. Lines: key, Base64 value, tunnel
     * id, client id, checkpointed token.
     */
    @Test
    void aTunnelStoredByThePreviousReleaseIsMigratedAndCarriesOn() throws IOException {
        List<String> fixture;
        try (InputStream in = getClass().getResourceAsStream("/tunnel/stored-tunnel-format1.txt")) {
            fixture = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        String key = fixture.get(0);
        String tunnel = fixture.get(2);
        String client = fixture.get(3);
        String token = fixture.get(4);
        t.createTable("orders", 1); // table id 1, as when the fixture was made
        t.storage.writeMeta(new MetaBatch().put(key, Base64.getDecoder().decode(fixture.get(1))));

        t.restartModule();

        // migrated: the definition is rewritten in the current format (3: format 2 + base snapshot id and
        // re-baseline flag) and the state is stored per record
        assertThat(t.storage.getMeta(key)).hasValueSatisfying(v -> assertThat(v[0]).isEqualTo((byte) 3));
        assertThat(t.storage.scanMeta(TunnelStore.stateKeyPrefix(tunnel))).extracting(MetaEntry::key)
                .containsExactly(TunnelStore.stateKeyPrefix(tunnel) + "c/Stream_1",
                        TunnelStore.stateKeyPrefix(tunnel) + "h",
                        TunnelStore.stateKeyPrefix(tunnel) + "s/" + client);
        TunnelDescription d = t.describe(tunnel);
        assertThat(d.channels()).singleElement().satisfies(c -> {
            assertThat(c.channelId()).isEqualTo("Stream_1");
            assertThat(c.status()).isEqualTo(ChannelStatus.OPEN);
            assertThat(c.ownerClientId()).isEqualTo(client);
            assertThat(c.checkpointSequence()).isEqualTo(1);
            assertThat(c.consumedCount()).isEqualTo(5);
        });
        // the client of the old release carries on where it was
        assertThat(t.heartbeat(tunnel, client)).extracting(TunnelProtos.Channel::getChannelId)
                .containsExactly("Stream_1");
        TunnelProtos.GetCheckpointResponse cp = t.getCheckpoint(tunnel, client, "Stream_1");
        assertThat(cp.getCheckpoint()).isEqualTo(token);
        assertThat(cp.getSequenceNumber()).isEqualTo(1);
        InProcessTunnels.join(t.module.sessions().checkpoint(InProcessTunnels.INSTANCE,
                TunnelProtos.CheckpointRequest.newBuilder().setTunnelId(tunnel).setClientId(client)
                        .setChannelId("Stream_1").setCheckpoint(token).setSequenceNumber(2).build()));

        t.restartModule(); // and the migrated format reads back
        assertThat(t.getCheckpoint(tunnel, client, "Stream_1").getSequenceNumber()).isEqualTo(2);
    }

    @Test
    void aCheckpointRewritesOnlyItsChannelAndTheHeader() {
        t.createTable("orders", 1);
        String tunnel = t.create("orders", "s", TunnelProtos.TunnelType.Stream, null);
        String client = t.connect(tunnel);
        t.heartbeat(tunnel, client);
        TunnelProtos.GetCheckpointResponse cp = t.getCheckpoint(tunnel, client, "Stream_1");
        List<MetaEntry> before = t.storage.scanMeta("");

        InProcessTunnels.join(t.module.sessions().checkpoint(InProcessTunnels.INSTANCE,
                TunnelProtos.CheckpointRequest.newBuilder().setTunnelId(tunnel).setClientId(client)
                        .setChannelId("Stream_1").setCheckpoint(cp.getCheckpoint()).setSequenceNumber(1).build()));

        List<MetaEntry> after = t.storage.scanMeta("");
        assertThat(after).extracting(MetaEntry::key).isEqualTo(before.stream().map(MetaEntry::key).toList());
        List<String> changed = after.stream()
                .filter(e -> before.stream().noneMatch(b -> b.key().equals(e.key())
                        && java.util.Arrays.equals(b.value(), e.value())))
                .map(MetaEntry::key).toList();
        assertThat(changed).containsExactly(TunnelStore.stateKeyPrefix(tunnel) + "c/Stream_1",
                TunnelStore.stateKeyPrefix(tunnel) + "h");
    }

    @Test
    void anUndecodableStoredTunnelStopsTheStartAndNamesIt() {
        t.createTable("orders", 1);
        String good = t.create("orders", "good", TunnelProtos.TunnelType.Stream, null);
        t.storage.writeMeta(new MetaBatch().put("tunnel/inproc/broken", new byte[] {9, 9, 9}));

        assertThatThrownBy(() -> t.restartModule())
                .isInstanceOf(TunnelStore.UnreadableTunnelException.class)
                .hasMessageStartingWith("stored tunnel tunnel/inproc/broken cannot be decoded (")
                .hasMessageContaining("the server does not start rather than drop the tunnel");
        // nothing was changed or dropped
        assertThat(t.storage.getMeta("tunnel/inproc/broken")).hasValueSatisfying(
                v -> assertThat(v).containsExactly(9, 9, 9));
        assertThat(t.storage.getMeta(StoredTunnelCodec.key(InProcessTunnels.INSTANCE, good))).isPresent();
    }

    @Test
    void aCorruptRecordOfAStoredTunnelStopsTheStartAndNamesTheTunnel() {
        t.createTable("orders", 1);
        String tunnel = t.create("orders", "sync", TunnelProtos.TunnelType.Stream, null);
        String recordKey = TunnelStore.stateKeyPrefix(tunnel) + "c/Stream_1";
        t.storage.writeMeta(new MetaBatch().put(recordKey, new byte[] {'C', 1, 0}));

        assertThatThrownBy(() -> t.restartModule())
                .isInstanceOf(TunnelStore.UnreadableTunnelException.class)
                .hasMessageStartingWith("stored tunnel tunnel/inproc/" + tunnel + " cannot be decoded (");
        assertThat(t.storage.getMeta(recordKey)).hasValueSatisfying(v -> assertThat(v).containsExactly('C', 1, 0));
    }

    @Test
    void theServerRefusesToStartOnAnUndecodableTunnelWithAMessageNamingIt() {
        Path data = dir.resolve("server-data");
        try (io.tunnelstore.storage.StorageEngine engine = io.tunnelstore.storage.rocksdb.RocksDbStorageEngine.open(
                data, io.tunnelstore.storage.StorageOptions.builder().syncWrites(false).build())) {
            engine.writeMeta(new MetaBatch().put("tunnel/inst/broken-tunnel", new byte[] {7}));
        }
        io.tunnelstore.server.InProcessServer.Builder server = io.tunnelstore.server.InProcessServer.builder(data)
                .instances("inst").adminKey("ak", "sk").workerThreads(32)
                .module(io.tunnelstore.server.table.TableModule::new)
                .module(TunnelModule::new);

        assertThatThrownBy(server::start).isInstanceOf(io.tunnelstore.server.ServerStartException.class)
                .hasMessageStartingWith("Cannot start Tunnelstore: stored tunnel tunnel/inst/broken-tunnel cannot be "
                        + "decoded (unknown stored tunnel version 7); the server does not start rather than drop the "
                        + "tunnel and its checkpoints"); // a failed start closes what it opened
    }
}
