package io.tunnelstore.server.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.protocol.errors.OtsException;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.pb.TableProtos.PrimaryKeySchema;
import io.tunnelstore.protocol.pb.TableProtos.PrimaryKeyType;
import io.tunnelstore.protocol.pb.TableProtos.TableMeta;
import io.tunnelstore.server.cluster.ScriptedPlacement;
import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.storage.rocksdb.RocksDbStorageEngine;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableCatalogTest {

    @TempDir
    Path dir;

    private StorageEngine open() {
        return RocksDbStorageEngine.open(dir, StorageOptions.builder().syncWrites(false).build());
    }

    private static TableDescriptor draft(String instance, String name, StreamSettings stream) {
        TableMeta meta = TableMeta.newBuilder().setTableName(name)
                .addPrimaryKey(PrimaryKeySchema.newBuilder().setName("pk").setType(PrimaryKeyType.INTEGER))
                .build();
        return new TableDescriptor(instance, 0, meta, 86_400, 3, 600, 1, 2, 1_700_000_000L, 1_700_000_000_123L,
                List.of(new Partition(0, null, ColumnValue.ofLong(100), 1),
                        new Partition(1, ColumnValue.ofLong(100), null, 2)),
                stream);
    }

    @Test
    void tablesSurviveReopenWithEveryField() {
        StreamSettings stream = new StreamSettings(true, "s-1", 48, 1_700_000_000_500L, List.of("a", "b"));
        TableDescriptor created;
        try (StorageEngine storage = open()) {
            TableCatalog catalog = new TableCatalog(storage);
            created = catalog.create(draft("inst", "orders", stream));
            catalog.create(draft("inst", "users", StreamSettings.DISABLED));
            catalog.create(draft("other", "orders", StreamSettings.DISABLED));
            assertThat(created.tableId()).isEqualTo(1);
        }
        try (StorageEngine storage = open()) {
            TableCatalog catalog = new TableCatalog(storage);
            assertThat(catalog.require("inst", "orders")).isEqualTo(created);
            assertThat(catalog.list("inst")).extracting(TableDescriptor::tableName).containsExactly("orders", "users");
            assertThat(catalog.list("other")).extracting(TableDescriptor::tableId).containsExactly(3L);
            assertThat(catalog.findByStreamId("s-1")).contains(created);
            assertThat(catalog.findById(2)).map(TableDescriptor::tableName).contains("users");
            // ids keep increasing after a restart and are never reused
            catalog.delete("inst", "users");
            assertThat(catalog.create(draft("inst", "users", StreamSettings.DISABLED)).tableId()).isEqualTo(4);
        }
    }

    @Test
    void inAClusterEveryLookupOfAnUnknownTableRereadsTheCatalog() {
        try (StorageEngine storage = open()) {
            TableCatalog owner = new TableCatalog(storage, new ScriptedPlacement("n", storage));
            TableCatalog other = new TableCatalog(storage, new ScriptedPlacement("n", storage));
            TableDescriptor created = owner.create(draft("i", "fresh", StreamSettings.DISABLED));
            // the other node has not heard the announcement: a request naming the table still finds it
            assertThat(other.require("i", "fresh")).isEqualTo(created);
            assertThatThrownBy(() -> other.require("i", "never")).isInstanceOf(OtsException.class)
                    .hasMessage("Requested table does not exist.");
        }
    }

    @Test
    void inAClusterAListingShowsTablesCreatedAndDroppedThroughAnotherNode() {
        try (StorageEngine storage = open()) {
            TableCatalog owner = new TableCatalog(storage, new ScriptedPlacement("n", storage));
            TableCatalog other = new TableCatalog(storage, new ScriptedPlacement("n", storage));
            owner.create(draft("i", "b", StreamSettings.DISABLED));
            owner.create(draft("i", "a", StreamSettings.DISABLED));
            // no announcement reached the other node: its listing still has both, in name order
            assertThat(other.list("i")).extracting(TableDescriptor::tableName).containsExactly("a", "b");
            owner.delete("i", "b");
            assertThat(other.list("i")).extracting(TableDescriptor::tableName).containsExactly("a");
        }
    }

    @Test
    void updatesArePersistedAndDeletesForgotten() {
        try (StorageEngine storage = open()) {
            TableCatalog catalog = new TableCatalog(storage);
            catalog.create(draft("i", "t", StreamSettings.DISABLED));
            catalog.create(draft("i", "gone", StreamSettings.DISABLED));
            catalog.update("i", "t", d -> d.withOptions(-1, 5, 30));
            catalog.delete("i", "gone");
        }
        try (StorageEngine storage = open()) {
            TableCatalog catalog = new TableCatalog(storage);
            TableDescriptor t = catalog.require("i", "t");
            assertThat(t.timeToLiveSeconds()).isEqualTo(-1);
            assertThat(t.maxVersions()).isEqualTo(5);
            assertThat(t.deviationSeconds()).isEqualTo(30);
            assertThat(catalog.find("i", "gone")).isEmpty();
        }
    }

    @Test
    void duplicateAndMissingTablesAreProtocolErrors() {
        try (StorageEngine storage = open()) {
            TableCatalog catalog = new TableCatalog(storage);
            catalog.create(draft("i", "t", StreamSettings.DISABLED));
            assertThatThrownBy(() -> catalog.create(draft("i", "t", StreamSettings.DISABLED)))
                    .isInstanceOf(OtsException.class).hasMessageContaining("already exist");
            assertThatThrownBy(() -> catalog.require("i", "nope"))
                    .isInstanceOf(OtsException.class).hasMessageContaining("does not exist");
            assertThatThrownBy(() -> catalog.delete("i", "nope")).isInstanceOf(OtsException.class);
        }
    }
}
