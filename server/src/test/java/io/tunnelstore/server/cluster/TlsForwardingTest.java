package io.tunnelstore.server.cluster;

import static io.tunnelstore.server.cluster.OfficialClients.noRetries;
import static io.tunnelstore.server.cluster.OfficialClients.put;
import static io.tunnelstore.server.cluster.OfficialClients.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alicloud.openservices.tablestore.SyncClient;
import com.alicloud.openservices.tablestore.TableStoreException;
import com.alicloud.openservices.tablestore.model.CreateTableRequest;
import com.alicloud.openservices.tablestore.model.PrimaryKeyType;
import com.alicloud.openservices.tablestore.model.TableMeta;
import com.alicloud.openservices.tablestore.model.TableOptions;
import io.tunnelstore.server.ServerConfig;
import io.tunnelstore.server.TlsSettings;
import io.tunnelstore.server.TunnelstoreServer;
import io.tunnelstore.server.table.TableModule;
import io.tunnelstore.server.tls.ServerCertificates;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forwarding over TLS (docs/scale-out.md, "Forwarding over TLS"): two https servers, each with its own RocksDB
 * storage; the "front" node owns nothing and forwards every write to the "owner" node, so a forwarded write is found
 * in the owner's storage only. The official SDK talks https to the front node. The front node trusts its own
 * certificate (nodes sharing one certificate) or the certificates given with {@code clusterTrust}, nothing else.
 *
 * <p>The official SDK builds its SSL context from the JVM's default trust store, so (as {@code TlsTest}) the test
 * points {@code javax.net.ssl.trustStore} at a store holding the front node's certificate and restores it afterwards.
 */
class TlsForwardingTest {
    private static final String AK = "tlsFwdKey";
    private static final String SK = "tlsFwdSecret0123456789";
    private static final String TABLE = "orders";

    @TempDir
    Path dir;

    private final List<TunnelstoreServer> servers = new ArrayList<>();
    private final List<SyncClient> clients = new ArrayList<>();
    private final List<String> savedProperties = new ArrayList<>();

    @BeforeEach
    void saveTrustStore() {
        for (String p : List.of("javax.net.ssl.trustStore", "javax.net.ssl.trustStorePassword",
                "javax.net.ssl.trustStoreType")) {
            savedProperties.add(System.getProperty(p));
        }
    }

    @AfterEach
    void stop() {
        clients.forEach(SyncClient::shutdown);
        servers.forEach(TunnelstoreServer::close);
        List<String> names = List.of("javax.net.ssl.trustStore", "javax.net.ssl.trustStorePassword",
                "javax.net.ssl.trustStoreType");
        for (int i = 0; i < names.size(); i++) {
            if (savedProperties.get(i) == null) {
                System.clearProperty(names.get(i));
            } else {
                System.setProperty(names.get(i), savedProperties.get(i));
            }
        }
    }

    private TunnelstoreServer start(String name, TlsSettings tls, ScriptedPlacement[] placement,
                                    Consumer<TunnelstoreServer.Builder> extra) {
        TunnelstoreServer.Builder builder = TunnelstoreServer.builder(ServerConfig.builder().port(0)
                        .dataDir(dir.resolve(name)).adminKey(AK, SK).tls(tls).build())
                .module(TableModule::new)
                .cluster(storage -> placement[0] = new ScriptedPlacement(name, storage))
                .console(new PrintStream(OutputStream.nullOutputStream()));
        extra.accept(builder);
        TunnelstoreServer server = builder.build();
        server.start();
        servers.add(server);
        return server;
    }

    private Path selfSignedCert(String node) {
        return dir.resolve(node).resolve("tls").resolve(ServerCertificates.SELF_SIGNED_CERT);
    }

    private Path selfSignedKey(String node) {
        return dir.resolve(node).resolve("tls").resolve(ServerCertificates.SELF_SIGNED_KEY);
    }

    /** The two nodes: the table created on each (separate storages), then the front node owns nothing. */
    private SyncClient[] cluster(TlsSettings frontTls, Consumer<TunnelstoreServer.Builder> frontExtra)
            throws Exception {
        ScriptedPlacement[] ownerPlacement = new ScriptedPlacement[1];
        ScriptedPlacement[] frontPlacement = new ScriptedPlacement[1];
        TunnelstoreServer owner = start("owner", TlsSettings.selfSigned(), ownerPlacement, b -> { });
        TunnelstoreServer front = start("front", frontTls.equals(SHARED) ? TlsSettings.pemFiles(
                selfSignedCert("owner"), selfSignedKey("owner")) : frontTls, frontPlacement, frontExtra);
        assertThat(front.endpoint()).startsWith("https://");
        trust(selfSignedCert("owner"), frontTls.equals(SHARED) ? selfSignedCert("owner") : selfSignedCert("front"));
        SyncClient ownerClient = client(owner);
        SyncClient frontClient = client(front);
        for (SyncClient c : List.of(ownerClient, frontClient)) {
            TableMeta meta = new TableMeta(TABLE);
            meta.addPrimaryKeyColumn("id", PrimaryKeyType.INTEGER);
            c.createTable(new CreateTableRequest(meta, new TableOptions(-1, 1)));
        }
        frontPlacement[0].remoteNode = "owner";
        frontPlacement[0].remote = () -> "127.0.0.1:" + owner.port();
        frontPlacement[0].local = resource -> false;
        return new SyncClient[] {ownerClient, frontClient};
    }

    /** Marks "the front node serves the owner's certificate". */
    private static final TlsSettings SHARED = TlsSettings.selfSigned("shared.invalid");

    @Test
    void nodesSharingOneCertificateForwardOverTls() throws Exception {
        SyncClient[] c = cluster(SHARED, b -> { });
        put(c[1], TABLE, 7, "over-tls");
        assertThat(value(c[0], TABLE, 7)).isEqualTo("over-tls");
        assertThat(value(c[1], TABLE, 7)).isNull(); // reads are local: the front node's own storage has nothing
    }

    @Test
    void aNodeWithItsOwnCertificateForwardsWhenTheOtherNodesCertificateIsTrusted() throws Exception {
        SyncClient[] c = cluster(TlsSettings.selfSigned(), b -> b.clusterTrust(selfSignedCert("owner")));
        put(c[1], TABLE, 8, "trusted");
        assertThat(value(c[0], TABLE, 8)).isEqualTo("trusted");
        assertThat(value(c[1], TABLE, 8)).isNull();
    }

    @Test
    void anUntrustedOwnerCertificateIsNeverSentTheRequest() throws Exception {
        SyncClient[] c = cluster(TlsSettings.selfSigned(), b -> { }); // front trusts only its own certificate
        assertThatThrownBy(() -> put(c[1], TABLE, 9, "never"))
                .isInstanceOfSatisfying(TableStoreException.class, e -> {
                    assertThat(e.getErrorCode()).isEqualTo("OTSPartitionUnavailable");
                    assertThat(e.getHttpStatus()).isEqualTo(503);
                });
        assertThat(value(c[0], TABLE, 9)).isNull();
    }

    private SyncClient client(TunnelstoreServer server) {
        SyncClient client = new SyncClient(server.endpoint(), AK, SK, "tunnelstore", noRetries());
        clients.add(client);
        return client;
    }

    private void trust(Path... pemCertificates) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < pemCertificates.length; i++) {
            store.setCertificateEntry("node-" + i, ServerCertificates.readCertificates(pemCertificates[i]).get(0));
        }
        Path file = dir.resolve("truststore-" + System.nanoTime() + ".p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, "changeit".toCharArray());
        }
        System.setProperty("javax.net.ssl.trustStore", file.toString());
        System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
    }
}
