package io.tunnelstore.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.server.InProcessServer;
import io.tunnelstore.server.table.TableModule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TableClient against the real server, started in-process with the table module. */
class TableClientIntegrationTest {

    private static final String AK = "itAdminKey";
    private static final String SK = "itAdminSecret";

    @TempDir
    Path dataDir;
    private InProcessServer server;
    private TableClient client;

    @BeforeEach
    void start() {
        server = InProcessServer.builder(dataDir).adminKey(AK, SK).workerThreads(2)
                .module(TableModule::new)
                .start();
        client = TableClient.builder().endpoint(server.endpoint()).instanceName("tunnelstore")
                .credentials(AK, SK).callTimeout(Duration.ofSeconds(20)).build();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static PrimaryKey key(String shop, long id) {
        return PrimaryKey.of(PrimaryKeyColumn.of("shop", ColumnValue.ofString(shop)),
                PrimaryKeyColumn.of("id", ColumnValue.ofLong(id)));
    }

    private static List<String> names(Row row) {
        return row.cells().stream().map(c -> c.name() + "=" + c.value()).toList();
    }

    @Test
    void tableLifecycleRowsScanAndBatchAgainstTheRealServer() {
        client.createTable(CreateTableRequest.builder("orders")
                .addPrimaryKey("shop", PrimaryKeyType.STRING).addPrimaryKey("id", PrimaryKeyType.INTEGER)
                .maxVersions(1).streamEnabled(24).build());

        assertThat(client.listTables()).contains("orders");
        TableDescription d = client.describeTable("orders");
        assertThat(d.tableName()).isEqualTo("orders");
        assertThat(d.primaryKey()).containsExactly(PrimaryKeySchema.of("shop", PrimaryKeyType.STRING),
                PrimaryKeySchema.of("id", PrimaryKeyType.INTEGER));
        assertThat(d.options()).isEqualTo(new TableOptions(TableOptions.TTL_FOREVER, 1));
        assertThat(d.stream().enabled()).isTrue();
        assertThat(d.stream().expirationHours()).isEqualTo(24);
        assertThat(d.stream().streamId()).isNotEmpty();

        // single-row writes and reads
        for (long id = 1; id <= 5; id++) {
            client.putRow(new RowPutChange("orders", key("s1", id),
                    List.of(Cell.put("amount", ColumnValue.ofLong(id * 10)),
                            Cell.put("note", ColumnValue.ofString("order " + id))),
                    RowExistence.EXPECT_NOT_EXIST));
        }
        Row three = client.getRow("orders", key("s1", 3)).orElseThrow();
        assertThat(three.primaryKey()).isEqualTo(key("s1", 3));
        assertThat(names(three)).containsExactly("amount=30", "note=\"order 3\"");
        assertThat(three.cells()).allMatch(Cell::hasTimestamp);
        assertThat(client.getRow("orders", key("s1", 99))).isEmpty();

        client.updateRow(RowUpdateChange.of("orders", key("s1", 3),
                List.of(Cell.put("amount", ColumnValue.ofLong(31)), Cell.deleteAllVersions("note"))));
        assertThat(names(client.getRow("orders", key("s1", 3)).orElseThrow())).containsExactly("amount=31");

        Optional<Row> projected = client.getRow(new GetRowRequest("orders", key("s1", 2), List.of("note"), 1));
        assertThat(names(projected.orElseThrow())).containsExactly("note=\"order 2\"");

        // a failed condition is a typed error with code, status and request id
        assertThatThrownBy(() -> client.putRow(new RowPutChange("orders", key("s1", 1),
                List.of(Cell.put("amount", ColumnValue.ofLong(0))), RowExistence.EXPECT_NOT_EXIST)))
                .isInstanceOfSatisfying(TablestoreException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("OTSConditionCheckFail");
                    assertThat(e.httpStatus()).isEqualTo(403);
                    assertThat(e.requestId()).isNotBlank();
                    assertThat(e.isRetryable()).isFalse();
                });

        // batch: two puts, one delete, one failing conditional put
        BatchWriteResult batch = client.batchWriteRow(List.of(
                RowPutChange.of("orders", key("s2", 1), List.of(Cell.put("amount", ColumnValue.ofLong(100)))),
                RowDeleteChange.of("orders", key("s1", 5)),
                new RowPutChange("orders", key("s1", 4), List.of(Cell.put("amount", ColumnValue.ofLong(0))),
                        RowExistence.EXPECT_NOT_EXIST),
                RowPutChange.of("orders", key("s0", 7), List.of(Cell.put("amount", ColumnValue.ofLong(70))))));
        assertThat(batch.results()).extracting(BatchWriteResult.RowResult::succeeded)
                .containsExactly(true, true, false, true);
        assertThat(batch.failed().get(0).errorCode()).isEqualTo("OTSConditionCheckFail");
        assertThat(client.getRow("orders", key("s1", 5))).isEmpty();
        assertThat(client.getRow("orders", key("s1", 4)).orElseThrow().latest("amount"))
                .contains(ColumnValue.ofLong(40));

        // scan everything, two rows per request, in primary-key order
        PrimaryKey start = PrimaryKey.of(PrimaryKeyColumn.of("shop", ColumnValue.INF_MIN),
                PrimaryKeyColumn.of("id", ColumnValue.INF_MIN));
        PrimaryKey end = PrimaryKey.of(PrimaryKeyColumn.of("shop", ColumnValue.INF_MAX),
                PrimaryKeyColumn.of("id", ColumnValue.INF_MAX));
        List<PrimaryKey> scanned = new ArrayList<>();
        client.scan("orders", start, end, ScanOptions.builder().pageSize(2).build())
                .forEachRemaining(r -> scanned.add(r.primaryKey()));
        assertThat(scanned).containsExactly(key("s0", 7), key("s1", 1), key("s1", 2), key("s1", 3),
                key("s1", 4), key("s2", 1));

        List<Long> amounts = new ArrayList<>();
        client.scan("orders", end, start, ScanOptions.builder().direction(Direction.BACKWARD).limit(3).build())
                .forEachRemaining(r -> amounts.add(r.latest("amount").orElseThrow().asLong()));
        assertThat(amounts).containsExactly(100L, 40L, 31L);

        // delete row and table
        client.deleteRow(RowDeleteChange.of("orders", key("s1", 1)));
        assertThat(client.getRow("orders", key("s1", 1))).isEmpty();

        assertThat(client.updateTableStream("orders", StreamSpecification.disabled()).enabled()).isFalse();
        assertThat(client.describeTable("orders").stream().enabled()).isFalse();

        client.deleteTable("orders");
        assertThat(client.listTables()).doesNotContain("orders");
        assertThatThrownBy(() -> client.describeTable("orders"))
                .isInstanceOfSatisfying(TablestoreException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("OTSObjectNotExist");
                    assertThat(e.httpStatus()).isEqualTo(404);
                    assertThat(e.remedy()).isEqualTo("create the table/tunnel first, or check its name");
                    assertThat(e.isNotFound()).isTrue();
                });
    }

    @Test
    void autoIncrementKeysAreReturnedAndIncrease() {
        client.createTable(CreateTableRequest.builder("seq").addPrimaryKey("part", PrimaryKeyType.STRING)
                .addPrimaryKey(PrimaryKeySchema.autoIncrement("n")).build());
        PrimaryKey placeholder = PrimaryKey.of(PrimaryKeyColumn.of("part", ColumnValue.ofString("p")),
                PrimaryKeyColumn.of("n", ColumnValue.AUTO_INCREMENT));

        PrimaryKey first = client.putRowReturningPrimaryKey(
                RowPutChange.of("seq", placeholder, List.of(Cell.put("v", ColumnValue.ofString("one")))));
        PrimaryKey second = client.putRowReturningPrimaryKey(
                RowPutChange.of("seq", placeholder, List.of(Cell.put("v", ColumnValue.ofString("two")))));

        assertThat(first.get(0)).isEqualTo(PrimaryKeyColumn.of("part", ColumnValue.ofString("p")));
        assertThat(second.get(1).value().asLong()).isGreaterThan(first.get(1).value().asLong());
        assertThat(client.getRow("seq", second).orElseThrow().latest("v")).contains(ColumnValue.ofString("two"));
        assertThat(client.describeTable("seq").primaryKey()).containsExactly(
                PrimaryKeySchema.of("part", PrimaryKeyType.STRING), PrimaryKeySchema.autoIncrement("n"));
    }

    @Test
    void wrongSecretIsRejectedWithAuthFailed() {
        TableClient bad = TableClient.builder().endpoint(server.endpoint()).instanceName("tunnelstore")
                .credentials(AK, "wrong").build();
        assertThatThrownBy(bad::listTables).isInstanceOfSatisfying(TablestoreException.class, e -> {
            assertThat(e.errorCode()).isEqualTo("OTSAuthFailed");
            assertThat(e.httpStatus()).isEqualTo(403);
        });
    }
}
