package io.tunnelstore.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.client.TableClient;
import java.nio.file.Files;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The builder form with a fresh service per test method; the previous one is closed and its data deleted. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PerMethodLifecycleTest {

    @RegisterExtension
    static final TunnelstoreExtension TS = TunnelstoreExtension.builder().perMethod().instanceName("perMethod")
            .build();

    private static TunnelstoreHandle previous;
    private TunnelstoreHandle fromBeforeEach;

    @BeforeEach
    void setUp(TunnelstoreHandle ts, TableClient tables) {
        fromBeforeEach = ts;
        Rows.createStreamTable(tables, "events", 24);
    }

    @Test
    @Order(1)
    void everyTestGetsItsOwnService(TunnelstoreHandle ts, TableClient tables) {
        previous = ts;
        assertThat(fromBeforeEach).isSameAs(ts);
        assertThat(ts.instanceName()).isEqualTo("perMethod");
        assertThat(tables.listTables()).containsExactly("events");
        Rows.createStreamTable(tables, "only_in_first", 24);
    }

    @Test
    @Order(2)
    void thePreviousServiceWasClosedAndItsDataDeleted(TunnelstoreHandle ts, TableClient tables) {
        assertThat(ts).isNotSameAs(previous);
        assertThat(tables.listTables()).containsExactly("events");
        assertThat(previous.server().isRunning()).isFalse();
        assertThat(Files.exists(previous.dataDir())).isFalse();
        assertThatThrownBy(previous::tableClient).isInstanceOf(IllegalStateException.class)
                .hasMessage("the test Tunnelstore is closed");
    }
}
