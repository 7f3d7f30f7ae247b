package io.tunnelstore.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.server.InProcessServer;
import io.tunnelstore.server.TlsSettings;
import io.tunnelstore.server.table.TableModule;
import io.tunnelstore.server.tunnel.TunnelModule;
import io.tunnelstore.it.ItServer;
import io.tunnelstore.tunnel.SimpleProcessorFactory;
import io.tunnelstore.tunnel.TunnelWorker;
import io.tunnelstore.tunnel.TunnelWorkerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our SDK over https: a server with a self-signed certificate, trusted through {@code trustCertificate}. */
class TlsClientTest {

    private static final String AK = "tlsKey";
    private static final String SK = "tlsSecret";

    @TempDir
    Path dataDir;
    private InProcessServer server;
    private Path certificate;

    @BeforeEach
    void start() {
        server = InProcessServer.builder(dataDir).adminKey(AK, SK)
                .configure(config -> config.tls(TlsSettings.selfSigned()))
                .module(TableModule::new)
                .module(TunnelModule::new)
                .start();
        certificate = dataDir.resolve("tls/self-signed-cert.pem");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private ClientConfig.Builder config() {
        return ClientConfig.builder().endpoint(server.endpoint()).instanceName("tunnelstore").credentials(AK, SK)
                .callTimeout(Duration.ofSeconds(20));
    }

    @Test
    void tablesTunnelsAndAWorkerRunOverHttps() throws Exception {
        assertThat(server.endpoint()).startsWith("https://");
        ClientConfig config = config().trustCertificate(certificate).build();
        List<Long> consumed = new CopyOnWriteArrayList<>();
        try (TableClient tables = TableClient.create(config); TunnelClient tunnels = TunnelClient.create(config)) {
            tables.createTable(CreateTableRequest.builder("events").addPrimaryKey("id", PrimaryKeyType.INTEGER)
                    .streamEnabled(24).build());
            String tunnelId = tunnels.createTunnel(CreateTunnelRequest.of("events", "sync", TunnelType.STREAM));
            TunnelWorkerConfig workerConfig = TunnelWorkerConfig.builder().heartbeatInterval(Duration.ofSeconds(5))
                    .closeOnJvmExit(false).processorFactory(SimpleProcessorFactory.of("tls", (ctx, records) ->
                            records.forEach(r -> consumed.add(r.primaryKey().get(0).value().asLong()))))
                    .build();
            try (TunnelWorker worker = new TunnelWorker(tunnels, tunnelId, workerConfig)) {
                worker.start();
                for (long id = 1; id <= 3; id++) {
                    tables.putRow(RowPutChange.of("events",
                            PrimaryKey.of(PrimaryKeyColumn.of("id", ColumnValue.ofLong(id))),
                            List.of(Cell.put("v", ColumnValue.ofLong(id)))));
                }
                ItServer.await("3 records consumed over https", Duration.ofSeconds(60), () -> consumed.size() >= 3);
                assertThat(consumed).containsExactly(1L, 2L, 3L);
                worker.close(Duration.ofSeconds(10));
            }
            assertThat(tables.listTables()).containsExactly("events");
        }
    }

    @Test
    void withoutTrustingTheCertificateTheClientRefusesTheServer() {
        try (TableClient tables = TableClient.create(config().retryPolicy(RetryPolicy.none()).build())) {
            assertThatThrownBy(tables::listTables).isInstanceOf(ClientTransportException.class)
                    .hasRootCauseInstanceOf(java.security.cert.CertPathBuilderException.class);
        }
    }

    @Test
    void aMissingCertificateFileIsAClearError() {
        Path missing = dataDir.resolve("nope.pem");
        assertThatThrownBy(() -> config().trustCertificate(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot trust the certificate in " + missing);
    }
}
