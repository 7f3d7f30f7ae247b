package io.tunnelstore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alicloud.openservices.tablestore.ClientConfiguration;
import com.alicloud.openservices.tablestore.ClientException;
import com.alicloud.openservices.tablestore.SyncClient;
import com.alicloud.openservices.tablestore.model.ColumnValue;
import com.alicloud.openservices.tablestore.model.CreateTableRequest;
import com.alicloud.openservices.tablestore.model.DefaultRetryStrategy;
import com.alicloud.openservices.tablestore.model.GetRowRequest;
import com.alicloud.openservices.tablestore.model.PrimaryKey;
import com.alicloud.openservices.tablestore.model.PrimaryKeyBuilder;
import com.alicloud.openservices.tablestore.model.PrimaryKeyType;
import com.alicloud.openservices.tablestore.model.PrimaryKeyValue;
import com.alicloud.openservices.tablestore.model.PutRowRequest;
import com.alicloud.openservices.tablestore.model.Row;
import com.alicloud.openservices.tablestore.model.RowPutChange;
import com.alicloud.openservices.tablestore.model.SingleRowQueryCriteria;
import com.alicloud.openservices.tablestore.model.TableMeta;
import com.alicloud.openservices.tablestore.model.TableOptions;
import io.tunnelstore.testsupport.Await;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The process-level harness on a real cluster of processes (one minicluster with two region servers, two nodes, for
 * the whole class): the nodes keep the launcher contract and answer the official SDK, and the faults the harness
 * injects do what they say — a region-server abort under a write load (no acknowledged write lost, the stall
 * measured), kill -9 of a node during writes through both nodes (no acknowledged write lost, the fail-over stall
 * measured), SIGSTOP/SIGCONT of a node, and a killed node's restart.
 */
class LocalClusterIT {
    private static final String TABLE = "orders";
    private static ClusterHarness harness;
    private static List<String> readyLines;
    private static List<String> startEndpoints;

    @BeforeAll
    static void startCluster() throws Exception {
        harness = ClusterHarness.start("local-cluster", 2, 2);
        readyLines = harness.console().stream().filter(line -> line.startsWith("endpoint=")).toList();
        startEndpoints = List.of(harness.node(1).endpoint(), harness.node(2).endpoint());
        SyncClient client = harness.client(1);
        TableMeta meta = new TableMeta(TABLE);
        meta.addPrimaryKeyColumn("id", PrimaryKeyType.INTEGER);
        client.createTable(new CreateTableRequest(meta, new TableOptions(-1, 1)));
    }

    @AfterAll
    static void stopCluster() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void everyNodePrintsItsReadyLineAndAnswersTheOfficialSdk() {
        // as the nodes started (another test restarts node-2 later)
        assertThat(readyLines).containsExactlyInAnyOrder(
                "endpoint=" + startEndpoints.get(0) + " instance=tunnelstore",
                "endpoint=" + startEndpoints.get(1) + " instance=tunnelstore");
        assertThat(startEndpoints.get(0)).isNotEqualTo(startEndpoints.get(1)).startsWith("http://127.0.0.1:");
        assertThat(harness.client(1).listTable().getTableNames()).contains(TABLE);
        // catalog changes reach every node
        SyncClient second = harness.client(2);
        Await.until("node-2 lists the table node-1 created", Duration.ofSeconds(60),
                () -> second.listTable().getTableNames().contains(TABLE));
    }

    @Test
    void aRegionServerAbortDuringWritesLosesNoAcknowledgedWrite() throws Exception {
        ClientConfiguration patient = new ClientConfiguration();
        patient.setRetryStrategy(new DefaultRetryStrategy(60, TimeUnit.SECONDS));
        SyncClient client = harness.client(1, patient);
        Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicLong lastAck = new AtomicLong(System.nanoTime());
        AtomicLong longestGap = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        CountDownLatch before = new CountDownLatch(200);
        AtomicBoolean stop = new AtomicBoolean();
        int writers = 2;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        for (int w = 0; w < writers; w++) {
            long base = 1_000_000L * (w + 1);
            pool.execute(() -> {
                for (long i = 0; !stop.get(); i++) {
                    long key = base + i;
                    try {
                        client.putRow(new PutRowRequest(put(key)));
                    } catch (RuntimeException e) {
                        failures.incrementAndGet(); // not acknowledged: may or may not have been applied
                        continue;
                    }
                    long now = System.nanoTime();
                    long previous = lastAck.getAndSet(now);
                    longestGap.accumulateAndGet(now - previous, Math::max);
                    acknowledged.add(key);
                    before.countDown();
                }
            });
        }
        try {
            Await.latch("200 writes acknowledged before the abort", Duration.ofMinutes(2), before);
            int ackedAtAbort = acknowledged.size();
            long abortStarted = System.nanoTime();
            longestGap.set(0);
            String aborted = harness.abortRegionServerOf("tunnelstore");
            assertThat(aborted).startsWith("localhost,");
            long abortDone = System.nanoTime();
            Await.until("200 more writes acknowledged after the abort", Duration.ofMinutes(3),
                    () -> acknowledged.size() >= ackedAtAbort + 200 && System.nanoTime() - abortDone > 0);
            stop.set(true);
            pool.shutdown();
            assertThat(pool.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
            System.out.printf("region server %s aborted in %.1f s; longest gap between acknowledged writes %.1f s; "
                            + "%d failed writes; %d acknowledged%n", aborted, (abortDone - abortStarted) / 1e9,
                    longestGap.get() / 1e9, failures.get(), acknowledged.size());
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
        for (long key : acknowledged) {
            Row row = client.getRow(new GetRowRequest(criteria(key))).getRow();
            assertThat(row).as("acknowledged row %d", key).isNotNull();
            assertThat(row.getLatestColumn("v").getValue().asString()).isEqualTo("v" + key);
        }
        assertThat(longestGap.get()).as("stall (ns)").isLessThan(TimeUnit.SECONDS.toNanos(60));
    }

    @Test
    void aNodeKilledDuringWritesLosesNoAcknowledgedWrite() throws Exception {
        // Six tables: partitions are assigned to nodes by rendezvous hashing, so node-2 almost surely owns some
        // (1 - 2^-6), and writes through node-1 to those stall until their ownership moves after the kill.
        List<String> tables = new java.util.ArrayList<>();
        for (int t = 0; t < 6; t++) {
            String table = "killed_writes_" + t;
            TableMeta meta = new TableMeta(table);
            meta.addPrimaryKeyColumn("id", PrimaryKeyType.INTEGER);
            harness.client(1).createTable(new CreateTableRequest(meta, new TableOptions(-1, 1)));
            tables.add(table);
        }
        ClientConfiguration patient = new ClientConfiguration();
        patient.setRetryStrategy(new DefaultRetryStrategy(60, TimeUnit.SECONDS));
        SyncClient first = harness.client(1, patient);
        SyncClient second = harness.client(2, patient);
        Await.until("node-2 knows the new tables", Duration.ofSeconds(60),
                () -> second.listTable().getTableNames().containsAll(tables));
        Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicLong firstAcks = new AtomicLong();
        AtomicLong lastFirstAck = new AtomicLong(System.nanoTime());
        AtomicLong longestGap = new AtomicLong();
        CountDownLatch before = new CountDownLatch(300);
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        // writer 1 talks to node-1 only, writer 2 to node-2 only; both write keys of every partition
        pool.execute(() -> {
            for (long key = 1_000_000; !stop.get(); key++) {
                try {
                    first.putRow(new PutRowRequest(put(tables.get((int) (key % 6)), key)));
                } catch (RuntimeException e) {
                    continue; // not acknowledged
                }
                long now = System.nanoTime();
                longestGap.accumulateAndGet(now - lastFirstAck.getAndSet(now), Math::max);
                acknowledged.add(key);
                firstAcks.incrementAndGet();
                before.countDown();
            }
        });
        pool.execute(() -> {
            for (long key = 2_000_000; !stop.get(); key++) {
                try {
                    second.putRow(new PutRowRequest(put(tables.get((int) (key % 6)), key)));
                } catch (RuntimeException e) {
                    if (!harness.node(2).isAlive()) {
                        return; // its node is gone: nothing more can be acknowledged through it
                    }
                    continue;
                }
                acknowledged.add(key);
                before.countDown();
            }
        });
        long failover;
        try {
            Await.latch("300 writes acknowledged before the kill", Duration.ofMinutes(2), before);
            harness.kill9(2);
            longestGap.set(0);
            long acksAtKill = firstAcks.get();
            Await.until("200 more writes acknowledged through node-1 after the kill", Duration.ofMinutes(3),
                    () -> firstAcks.get() >= acksAtKill + 200);
            failover = longestGap.get();
            stop.set(true);
            pool.shutdown();
            assertThat(pool.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
            System.out.printf("node-2 killed; writes through node-1 resumed, longest stall %.1f s (session timeout "
                    + "%d s); %d writes acknowledged%n", failover / 1e9, ClusterHarness.SESSION_TIMEOUT.toSeconds(),
                    acknowledged.size());
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
        try {
            for (long key : acknowledged) {
                Row row = first.getRow(new GetRowRequest(criteria(tables.get((int) (key % 6)), key))).getRow();
                assertThat(row).as("acknowledged row %d", key).isNotNull();
                assertThat(row.getLatestColumn("v").getValue().asString()).isEqualTo("v" + key);
            }
            assertThat(failover).as("failover stall (ns)").isLessThan(TimeUnit.SECONDS.toNanos(60));
        } finally {
            harness.restart(2);
        }
    }

    @Test
    void aPausedNodeStopsAnsweringUntilItIsResumed() {
        ClientConfiguration impatient = new ClientConfiguration();
        impatient.setSocketTimeoutInMillisecond(1500);
        impatient.setConnectionRequestTimeoutInMillisecond(1500);
        impatient.setRetryStrategy(new DefaultRetryStrategy(2, TimeUnit.SECONDS));
        SyncClient second = harness.client(2, impatient);
        assertThat(second.listTable().getTableNames()).isNotNull();
        harness.pause(2);
        try {
            assertThatThrownBy(second::listTable).isInstanceOf(ClientException.class);
            assertThat(harness.client(1).listTable().getTableNames()).contains(TABLE); // the others go on
        } finally {
            harness.resume(2);
        }
        Await.until("node-2 answers again after SIGCONT", Duration.ofSeconds(60), () -> {
            try {
                return second.listTable().getTableNames() != null;
            } catch (ClientException e) {
                return false;
            }
        });
    }

    @Test
    void aKilledNodeIsGoneTheOthersServeAndItRestarts() throws Exception {
        long oldPid = harness.node(2).pid();
        harness.kill9(2);
        assertThat(harness.node(2).isAlive()).isFalse();
        assertThat(harness.client(1).listTable().getTableNames()).contains(TABLE);
        harness.restart(2);
        assertThat(harness.node(2).pid()).isNotEqualTo(oldPid);
        assertThat(harness.node(2).isAlive()).isTrue();
        // restarted after node-1 created the table: its catalog has it
        assertThat(harness.client(2).listTable().getTableNames()).contains(TABLE);
    }

    private static PrimaryKey pk(long id) {
        return PrimaryKeyBuilder.createPrimaryKeyBuilder().addPrimaryKeyColumn("id", PrimaryKeyValue.fromLong(id))
                .build();
    }

    private static RowPutChange put(long id) {
        return put(TABLE, id);
    }

    private static RowPutChange put(String table, long id) {
        RowPutChange put = new RowPutChange(table, pk(id));
        put.addColumn("v", ColumnValue.fromString("v" + id));
        return put;
    }

    private static SingleRowQueryCriteria criteria(long id) {
        return criteria(TABLE, id);
    }

    private static SingleRowQueryCriteria criteria(String table, long id) {
        SingleRowQueryCriteria c = new SingleRowQueryCriteria(table, pk(id));
        c.setMaxVersions(1);
        return c;
    }
}
