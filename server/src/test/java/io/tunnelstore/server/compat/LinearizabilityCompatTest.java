package io.tunnelstore.server.compat;

import static io.tunnelstore.server.compat.CompatServer.pk;
import static org.assertj.core.api.Assertions.assertThat;

import com.alicloud.openservices.tablestore.ClientConfiguration;
import com.alicloud.openservices.tablestore.SyncClient;
import com.alicloud.openservices.tablestore.TableStoreException;
import com.alicloud.openservices.tablestore.model.Column;
import com.alicloud.openservices.tablestore.model.ColumnValue;
import com.alicloud.openservices.tablestore.model.Condition;
import com.alicloud.openservices.tablestore.model.DeleteRowRequest;
import com.alicloud.openservices.tablestore.model.GetRowRequest;
import com.alicloud.openservices.tablestore.model.NoRetryStrategy;
import com.alicloud.openservices.tablestore.model.PrimaryKey;
import com.alicloud.openservices.tablestore.model.PrimaryKeyType;
import com.alicloud.openservices.tablestore.model.PutRowRequest;
import com.alicloud.openservices.tablestore.model.ReturnType;
import com.alicloud.openservices.tablestore.model.Row;
import com.alicloud.openservices.tablestore.model.RowDeleteChange;
import com.alicloud.openservices.tablestore.model.RowExistenceExpectation;
import com.alicloud.openservices.tablestore.model.RowPutChange;
import com.alicloud.openservices.tablestore.model.RowUpdateChange;
import com.alicloud.openservices.tablestore.model.SingleRowQueryCriteria;
import com.alicloud.openservices.tablestore.model.TableOptions;
import com.alicloud.openservices.tablestore.model.UpdateRowRequest;
import com.alicloud.openservices.tablestore.model.condition.SingleColumnValueCondition;
import io.tunnelstore.server.compat.LinearizabilityChecker.Op;
import io.tunnelstore.server.compat.RowRegisterModel.State;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Black-box single-row linearizability: many official-SDK clients, each on its own thread and connection pool, do
 * puts, compare-and-set updates, increments, deletes and reads on a few rows of a real in-process server; every
 * operation's invocation and completion time is recorded and the history is checked per row by
 * {@link LinearizabilityChecker} against {@link RowRegisterModel}.
 *
 * <p>The default size runs in CI in seconds. {@code -Dtunnelstore.linearizability.large=true} runs the large
 * history whose figures are in docs/table-api.md.
 */
class LinearizabilityCompatTest {

    private static final Logger log = LoggerFactory.getLogger(LinearizabilityCompatTest.class);
    private static final boolean LARGE = Boolean.getBoolean("tunnelstore.linearizability.large");
    private static final int CLIENTS = Integer.getInteger("tunnelstore.linearizability.clients", LARGE ? 12 : 6);
    private static final int OPS_PER_CLIENT = Integer.getInteger("tunnelstore.linearizability.ops", LARGE ? 500 : 60);
    private static final int ROWS = LARGE ? 4 : 3;
    private static final String TABLE = "linear";

    @Test
    void concurrentRowOperationsThroughTheOfficialSdkAreLinearizable(@TempDir Path dir) throws Exception {
        List<Op<State>> history = Collections.synchronizedList(new ArrayList<>());
        long started = System.nanoTime();
        try (CompatServer ots = CompatServer.withTickingClock(dir)) {
            ots.createTable(TABLE, new TableOptions(-1, 1), "pk", PrimaryKeyType.INTEGER);
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            try {
                CyclicBarrier start = new CyclicBarrier(CLIENTS);
                List<Future<?>> clients = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    int process = c;
                    clients.add(pool.submit(() -> {
                        SyncClient client = newClient(ots);
                        try {
                            start.await(30, TimeUnit.SECONDS);
                            runClient(client, process, new Random(1000L + process), history);
                        } finally {
                            client.shutdown();
                        }
                        return null;
                    }));
                }
                for (Future<?> f : clients) {
                    f.get(10, TimeUnit.MINUTES);
                }
            } finally {
                pool.shutdownNow();
                assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            }
        }
        long ran = System.nanoTime();
        LinearizabilityChecker.Result result = new LinearizabilityChecker(50_000_000)
                .check(List.copyOf(history), RowRegisterModel.ABSENT);
        long checked = System.nanoTime();
        log.info("linearizability: {} clients, {} operations on {} rows in {} ms, checked in {} ms "
                        + "({} states explored): {}", CLIENTS, history.size(), ROWS, (ran - started) / 1_000_000,
                (checked - ran) / 1_000_000, result.statesExplored(),
                result.linearizable() ? "linearizable" : "NOT linearizable");
        assertThat(history).hasSize(CLIENTS * OPS_PER_CLIENT);
        assertThat(result.linearizable()).as("row %s: %s", result.failedKey(), result.explanation()).isTrue();
    }

    private static SyncClient newClient(CompatServer ots) {
        ClientConfiguration cc = new ClientConfiguration();
        cc.setConnectionTimeoutInMillisecond(5_000);
        cc.setSocketTimeoutInMillisecond(30_000);
        cc.setRetryStrategy(new NoRetryStrategy()); // a retried write would be a second operation in the history
        return new SyncClient(ots.server.endpoint(), CompatServer.ACCESS_KEY_ID, CompatServer.ACCESS_KEY_SECRET,
                CompatServer.INSTANCE, cc);
    }

    private static void runClient(SyncClient client, int process, Random random, List<Op<State>> history) {
        for (int i = 0; i < OPS_PER_CLIENT; i++) {
            int row = random.nextInt(ROWS);
            PrimaryKey key = pk("pk", (long) row);
            int choice = random.nextInt(100);
            long invoke = System.nanoTime();
            if (choice < 25) {
                long value = random.nextInt(3);
                RowPutChange put = new RowPutChange(TABLE, key);
                put.addColumn("v", ColumnValue.fromLong(value));
                Function<State, State> step = RowRegisterModel.put(value);
                long complete = call(() -> client.putRow(new PutRowRequest(put)));
                history.add(new Op<>(row, process, invoke, complete, "put " + value, step));
            } else if (choice < 45) {
                long expected = random.nextInt(3);
                long next = (expected + 1) % 3;
                RowUpdateChange update = new RowUpdateChange(TABLE, key);
                update.put("v", ColumnValue.fromLong(next));
                Condition condition = new Condition(RowExistenceExpectation.IGNORE);
                SingleColumnValueCondition vEquals = new SingleColumnValueCondition("v",
                        SingleColumnValueCondition.CompareOperator.EQUAL, ColumnValue.fromLong(expected));
                vEquals.setPassIfMissing(false);
                vEquals.setLatestVersionsOnly(true);
                condition.setColumnCondition(vEquals);
                update.setCondition(condition);
                long complete;
                boolean succeeded;
                try {
                    client.updateRow(new UpdateRowRequest(update));
                    complete = System.nanoTime();
                    succeeded = true;
                } catch (TableStoreException e) {
                    complete = System.nanoTime();
                    if (!"OTSConditionCheckFail".equals(e.getErrorCode())) {
                        throw e;
                    }
                    succeeded = false;
                } catch (RuntimeException e) {
                    history.add(new Op<>(row, process, invoke, Long.MAX_VALUE, "cas " + expected + "->" + next
                            + " (no answer)", RowRegisterModel.compareAndSetUnknown(expected, next)));
                    continue;
                }
                history.add(new Op<>(row, process, invoke, complete,
                        "cas " + expected + "->" + next + (succeeded ? " ok" : " failed"),
                        RowRegisterModel.compareAndSet(expected, next, succeeded)));
            } else if (choice < 70) {
                RowUpdateChange inc = new RowUpdateChange(TABLE, key);
                inc.increment(new Column("n", ColumnValue.fromLong(1)));
                inc.setReturnType(ReturnType.RT_AFTER_MODIFY);
                inc.addReturnColumn("n");
                long returned;
                try {
                    returned = client.updateRow(new UpdateRowRequest(inc)).getRow().getLatestColumn("n")
                            .getValue().asLong();
                } catch (RuntimeException e) {
                    history.add(new Op<>(row, process, invoke, Long.MAX_VALUE, "inc (no answer)",
                            RowRegisterModel.incrementUnknown()));
                    continue;
                }
                history.add(new Op<>(row, process, invoke, System.nanoTime(), "inc -> " + returned,
                        RowRegisterModel.increment(returned)));
            } else if (choice < 75) {
                RowDeleteChange delete = new RowDeleteChange(TABLE, key);
                long complete = call(() -> client.deleteRow(new DeleteRowRequest(delete)));
                history.add(new Op<>(row, process, invoke, complete, "delete", RowRegisterModel.delete()));
            } else {
                SingleRowQueryCriteria criteria = new SingleRowQueryCriteria(TABLE, key);
                criteria.setMaxVersions(1);
                Row seen = client.getRow(new GetRowRequest(criteria)).getRow();
                long complete = System.nanoTime();
                Long v = seen == null || !seen.contains("v") ? null : seen.getLatestColumn("v").getValue().asLong();
                Long n = seen == null || !seen.contains("n") ? null : seen.getLatestColumn("n").getValue().asLong();
                history.add(new Op<>(row, process, invoke, complete, "read v=" + v + " n=" + n,
                        RowRegisterModel.read(v, n)));
            }
        }
    }

    /** Runs a write; its completion time, or {@link Long#MAX_VALUE} when its outcome is unknown (no answer). */
    private static long call(Runnable write) {
        try {
            write.run();
            return System.nanoTime();
        } catch (TableStoreException e) {
            throw e; // an error answer means the write did not happen: not expected from these requests
        } catch (RuntimeException e) {
            return Long.MAX_VALUE;
        }
    }
}
