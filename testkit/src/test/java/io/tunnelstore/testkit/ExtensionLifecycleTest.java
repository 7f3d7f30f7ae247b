package io.tunnelstore.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.client.ClientConfig;
import io.tunnelstore.client.CreateTunnelRequest;
import io.tunnelstore.client.TableClient;
import io.tunnelstore.client.TunnelClient;
import io.tunnelstore.client.TunnelType;
import java.net.URI;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The annotation form: one service per class, every supported parameter injected. */
@TunnelstoreTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExtensionLifecycleTest {

    private static TunnelstoreHandle first;

    private final TunnelstoreHandle constructorHandle;

    ExtensionLifecycleTest(TunnelstoreHandle handle) {
        this.constructorHandle = handle;
    }

    @Test
    @Order(1)
    void injectsTheHandleAndClientsThatGoThroughTheProxy(TunnelstoreHandle ts, TableClient tables,
            TunnelClient tunnels, ClientConfig config, ManualClock clock, Faults faults) {
        first = ts;
        assertThat(constructorHandle).isSameAs(ts);
        assertThat(config.endpoint()).isEqualTo(URI.create(ts.proxiedEndpoint()));
        assertThat(tables.config().endpoint()).isEqualTo(URI.create(ts.proxiedEndpoint()));
        assertThat(tunnels.config().endpoint()).isEqualTo(URI.create(ts.proxiedEndpoint()));
        assertThat(ts.directEndpoint()).isNotEqualTo(ts.proxiedEndpoint());
        assertThat(config.instanceName()).isEqualTo("tunnelstore");
        assertThat(ts.accessKeyId()).isEqualTo("testkitAdmin");
        assertThat(clock).isSameAs(ts.clock());
        assertThat(faults).isSameAs(ts.faults());
        assertThat(tables).isSameAs(ts.tableClient());

        Rows.createStreamTable(tables, "orders", 24);
        String tunnelId = tunnels.createTunnel(CreateTunnelRequest.of("orders", "sync", TunnelType.STREAM));

        // the same service seen without the proxy
        assertThat(ts.directTableClient().listTables()).containsExactly("orders");
        assertThat(ts.directTunnelClient().describeTunnel("orders", "sync").tunnel().tunnelId()).isEqualTo(tunnelId);
        assertThat(faults.proxy().acceptedConnections()).isPositive();
        assertThat(ts.server().isRunning()).isTrue();
    }

    @Test
    @Order(2)
    void theSameServiceServesEveryTestOfTheClass(TunnelstoreHandle ts, TableClient tables) {
        assertThat(ts).isSameAs(first);
        assertThat(tables.listTables()).containsExactly("orders");
    }
}
