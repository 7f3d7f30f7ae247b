package io.tunnelstore.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.server.InProcessServer;
import io.tunnelstore.server.table.TableModule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several clients on one user-owned {@link ClientResources}, against the real server. */
class ClientResourcesTest {

    private static final String AK = "resKey";
    private static final String SK = "resSecret";

    @TempDir
    Path dataDir;
    private InProcessServer server;
    private ClientResources shared;

    @BeforeEach
    void start() {
        server = InProcessServer.builder(dataDir).adminKey(AK, SK).workerThreads(2)
                .module(TableModule::new)
                .start();
        shared = ClientResources.builder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void stop() {
        shared.close();
        server.close();
    }

    private TableClient.Builder client() {
        return TableClient.builder().endpoint(server.endpoint()).instanceName("tunnelstore").credentials(AK, SK)
                .callTimeout(Duration.ofSeconds(20));
    }

    private static CreateTableRequest table(String name) {
        return CreateTableRequest.builder(name).addPrimaryKey("id", PrimaryKeyType.INTEGER).build();
    }

    @Test
    void twoClientsShareOneResourcesObjectAndClosingOneLeavesTheOtherAndTheResourcesWorking() {
        TableClient first = client().resources(shared).build();
        TableClient second = client().resources(shared).build();
        assertThat(first.config().resourcesIfSet()).containsSame(shared);
        assertThat(first.config().connectTimeout()).isEqualTo(Duration.ofSeconds(5));

        first.createTable(table("a"));
        second.createTable(table("b"));
        assertThat(first.listTables()).containsExactlyInAnyOrder("a", "b");
        assertThat(second.listTables()).containsExactlyInAnyOrder("a", "b");

        first.close();
        assertThat(shared.isClosed()).isFalse();
        assertThatThrownBy(first::listTables).isInstanceOf(IllegalStateException.class)
                .hasMessage("TableClient is closed");
        // the other client still runs on the shared HTTP client and timer
        second.deleteTable("a");
        assertThat(second.listTables()).containsExactly("b");
        // and so does a client built later, a tunnel client included
        try (TunnelClient tunnels = TunnelClient.builder().config(second.config()).build()) {
            assertThat(tunnels.config().resourcesIfSet()).containsSame(shared);
        }
        assertThat(second.listTables()).containsExactly("b");
        second.close();
    }

    @Test
    void closingTheResourcesFailsTheCallsOfClientsStillUsingThem() {
        TableClient client = client().resources(shared).build();
        client.createTable(table("a"));

        shared.close();

        assertThat(shared.isClosed()).isTrue();
        assertThatThrownBy(client::listTables).isInstanceOf(ClientTransportException.class)
                .hasMessageContaining("the client is closed");
        client.close();
    }

    @Test
    void aClientWithoutResourcesStillWorksOnItsOwn() {
        try (TableClient own = client().build()) {
            assertThat(own.config().resourcesIfSet()).isEmpty();
            own.createTable(table("solo"));
            assertThat(own.listTables()).containsExactly("solo");
        }
    }

    @Test
    void aBorrowedExecutorIsNeverShutDown() {
        ExecutorService mine = Executors.newFixedThreadPool(2);
        try {
            ClientResources borrowed = ClientResources.builder().executor(mine).build();
            try (TableClient client = client().resources(borrowed).build()) {
                client.createTable(table("x"));
                assertThat(client.listTables()).containsExactly("x");
            }
            borrowed.close();
            assertThat(mine.isShutdown()).isFalse();
            assertThat(borrowed.executor()).isSameAs(mine);
        } finally {
            mine.shutdownNow();
        }
    }

    @Test
    void settingsThatBelongToTheResourcesAreRefusedOnTheClient() {
        assertThatThrownBy(() -> client().resources(shared).executor(Runnable::run).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("executor and sslContext belong to the shared ClientResources");
        assertThatThrownBy(() -> client().resources(shared).connectTimeout(Duration.ofSeconds(7)).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("connectTimeout PT7S differs from the shared ClientResources' PT5S: set it on "
                        + "ClientResources");
        // the same value is fine
        client().resources(shared).connectTimeout(Duration.ofSeconds(5)).build().close();
    }
}
