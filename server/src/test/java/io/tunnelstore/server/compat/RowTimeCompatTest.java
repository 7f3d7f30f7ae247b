package io.tunnelstore.server.compat;

import static io.tunnelstore.server.compat.CompatServer.pk;
import static org.assertj.core.api.Assertions.assertThat;

import com.alicloud.openservices.tablestore.model.BatchWriteRowRequest;
import com.alicloud.openservices.tablestore.model.BatchWriteRowResponse;
import com.alicloud.openservices.tablestore.model.Column;
import com.alicloud.openservices.tablestore.model.ColumnValue;
import com.alicloud.openservices.tablestore.model.GetRowRequest;
import com.alicloud.openservices.tablestore.model.PrimaryKey;
import com.alicloud.openservices.tablestore.model.PrimaryKeyType;
import com.alicloud.openservices.tablestore.model.PutRowRequest;
import com.alicloud.openservices.tablestore.model.ReturnType;
import com.alicloud.openservices.tablestore.model.Row;
import com.alicloud.openservices.tablestore.model.RowPutChange;
import com.alicloud.openservices.tablestore.model.RowUpdateChange;
import com.alicloud.openservices.tablestore.model.SingleRowQueryCriteria;
import com.alicloud.openservices.tablestore.model.TableOptions;
import com.alicloud.openservices.tablestore.model.UpdateRowRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Server-assigned timestamps under concurrency, through the official Java SDK against a server whose clock ticks in
 * real time: every increment applies to the newest value and the most recently acknowledged write is the visible
 * one (issue 10, item 1; the increments lost duplicates before the row's version time was taken under its lock).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RowTimeCompatTest {

    private static final int THREADS = 4;
    private static final int INCREMENTS_PER_THREAD = 25;

    private CompatServer ots;
    private ExecutorService pool;
    private int round;

    @BeforeAll
    void start(@TempDir Path dir) {
        ots = CompatServer.withTickingClock(dir);
        ots.createTable("counters", new TableOptions(-1, 1), "pk", PrimaryKeyType.STRING);
        ots.createTable("registers", new TableOptions(-1, 1), "pk", PrimaryKeyType.STRING);
        pool = Executors.newFixedThreadPool(THREADS);
    }

    @AfterAll
    void stop() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        ots.close();
    }

    @RepeatedTest(5)
    void concurrentIncrementsReturnEveryValueOnceAndLoseNone() throws Exception {
        PrimaryKey key = pk("pk", "hot-" + (round++));
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Future<List<Long>>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            futures.add(pool.submit(() -> {
                start.await(10, TimeUnit.SECONDS);
                List<Long> seen = new ArrayList<>();
                for (int i = 0; i < INCREMENTS_PER_THREAD; i++) {
                    RowUpdateChange inc = new RowUpdateChange("counters", key);
                    inc.increment(new Column("n", ColumnValue.fromLong(1)));
                    inc.setReturnType(ReturnType.RT_AFTER_MODIFY);
                    inc.addReturnColumn("n");
                    seen.add(ots.client.updateRow(new UpdateRowRequest(inc)).getRow()
                            .getLatestColumn("n").getValue().asLong());
                }
                return seen;
            }));
        }
        List<Long> returned = new ArrayList<>();
        for (Future<List<Long>> f : futures) {
            List<Long> perThread = f.get(60, TimeUnit.SECONDS);
            assertThat(perThread).isSorted(); // one client's increments are acknowledged in its order
            returned.addAll(perThread);
        }
        int total = THREADS * INCREMENTS_PER_THREAD;
        assertThat(returned).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
        assertThat(latest("counters", key, "n").getValue().asLong()).isEqualTo(total);
    }

    @Test
    void theLastAcknowledgedPutIsVisibleEvenWhenTheClockStepsBack() {
        PrimaryKey key = pk("pk", "stepping");
        put(key, "first");
        long firstVersion = latest("registers", key, "v").getTimestamp();
        ots.clock.rewind(Duration.ofSeconds(30)); // an NTP step backwards between two acknowledged writes
        try {
            put(key, "second");
            Column visible = latest("registers", key, "v");
            assertThat(visible.getValue().asString()).isEqualTo("second");
            assertThat(visible.getTimestamp()).isGreaterThan(firstVersion);

            RowUpdateChange update = new RowUpdateChange("registers", key);
            update.put("v", ColumnValue.fromString("third"));
            ots.client.updateRow(new UpdateRowRequest(update));
            assertThat(latest("registers", key, "v").getValue().asString()).isEqualTo("third");
        } finally {
            ots.clock.advance(Duration.ofSeconds(30));
        }
    }

    @RepeatedTest(3)
    void sequentialPutsFromManyClientsAlwaysShowTheLastAcknowledged() throws Exception {
        PrimaryKey key = pk("pk", "register-" + (round++));
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                start.await(10, TimeUnit.SECONDS);
                for (int i = 0; i < 20; i++) {
                    String value = thread + ":" + i;
                    put(key, value);
                    // every read after the acknowledgement sees a value at least as new as this client's own write
                    String seen = latest("registers", key, "v").getValue().asString();
                    if (seen.startsWith(thread + ":")) {
                        assertThat(Integer.parseInt(seen.substring(seen.indexOf(':') + 1))).isGreaterThanOrEqualTo(i);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        String last = "final";
        put(key, last);
        assertThat(latest("registers", key, "v").getValue().asString()).isEqualTo(last);
    }

    @Test
    void batchWriteRowIncrementsFollowTheSameRulePerRow() throws Exception {
        PrimaryKey a = pk("pk", "batch-a");
        PrimaryKey b = pk("pk", "batch-b");
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            futures.add(pool.submit(() -> {
                start.await(10, TimeUnit.SECONDS);
                for (int i = 0; i < 10; i++) {
                    BatchWriteRowRequest batch = new BatchWriteRowRequest();
                    for (PrimaryKey k : List.of(a, b)) {
                        RowUpdateChange inc = new RowUpdateChange("counters", k);
                        inc.increment(new Column("n", ColumnValue.fromLong(1)));
                        batch.addRowChange(inc);
                    }
                    BatchWriteRowResponse response = ots.client.batchWriteRow(batch);
                    assertThat(response.isAllSucceed()).isTrue();
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        assertThat(latest("counters", a, "n").getValue().asLong()).isEqualTo(THREADS * 10L);
        assertThat(latest("counters", b, "n").getValue().asLong()).isEqualTo(THREADS * 10L);
    }

    private void put(PrimaryKey key, String value) {
        RowPutChange put = new RowPutChange("registers", key);
        put.addColumn("v", ColumnValue.fromString(value));
        ots.client.putRow(new PutRowRequest(put));
    }

    private Column latest(String table, PrimaryKey key, String column) {
        SingleRowQueryCriteria c = new SingleRowQueryCriteria(table, key);
        c.setMaxVersions(1);
        Row row = ots.client.getRow(new GetRowRequest(c)).getRow();
        assertThat(row).as("row %s", key).isNotNull();
        return row.getLatestColumn(column);
    }
}
