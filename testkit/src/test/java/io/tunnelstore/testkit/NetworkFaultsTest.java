package io.tunnelstore.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.tunnelstore.client.ClientTransportException;
import io.tunnelstore.client.RetryPolicy;
import io.tunnelstore.client.TableClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The proxy faults on plain table calls. */
@TunnelstoreTest(lifecycle = TunnelstoreOptions.Lifecycle.PER_METHOD)
class NetworkFaultsTest {

    @Test
    void delayedResponsesMakeACallTakeAtLeastTheDelay(TableClient tables, Faults faults) {
        Rows.createStreamTable(tables, "t", 24);
        faults.delayResponses(Duration.ofMillis(400));

        long start = System.nanoTime();
        assertThat(tables.listTables()).containsExactly("t");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));

        faults.clearDelay();
        assertThat(tables.listTables()).containsExactly("t");
    }

    @Test
    void droppedConnectionsAreClosedAndNewCallsWork(TunnelstoreHandle ts, TableClient tables, Faults faults) {
        Rows.createStreamTable(tables, "t", 24);
        Await.until(() -> faults.proxy().openConnections() > 0, Duration.ofSeconds(5));

        assertThat(faults.dropConnections()).isPositive();
        assertThat(faults.proxy().openConnections()).isZero();

        // the default retry policy carries the next call over the stale pooled connection
        assertThat(tables.listTables()).containsExactly("t");
    }

    @Test
    void blackholedCallsTimeOutAndTrafficFlowsAgainAfterwards(TunnelstoreHandle ts, Faults faults) {
        TableClient impatient = ts.track(TableClient.create(ts.clientConfig().toBuilder()
                .callTimeout(Duration.ofMillis(500)).retryPolicy(RetryPolicy.none()).build()));
        Rows.createStreamTable(impatient, "t", 24);
        faults.blackhole(Duration.ofMillis(1500));

        long start = System.nanoTime();
        Throwable failure = catchThrowable(impatient::listTables);
        assertThat(failure).isInstanceOfSatisfying(ClientTransportException.class,
                e -> assertThat(e.isTimeout()).isTrue());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
        // the direct endpoint is not affected
        assertThat(ts.directTableClient().listTables()).containsExactly("t");

        Await.until(() -> !faults.proxy().isBlackholing(), Duration.ofSeconds(5));
        assertThat(impatient.listTables()).containsExactly("t");
    }
}
