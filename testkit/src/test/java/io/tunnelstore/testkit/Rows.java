package io.tunnelstore.testkit;

import io.tunnelstore.client.CreateTableRequest;
import io.tunnelstore.client.PrimaryKeyType;
import io.tunnelstore.client.RowPutChange;
import io.tunnelstore.client.TableClient;
import io.tunnelstore.protocol.model.Cell;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.model.PrimaryKeyColumn;
import io.tunnelstore.tunnel.StreamRecord;
import java.util.List;
import java.util.stream.LongStream;

/** Table set-up and record decoding shared by the tests: tables keyed by one integer column {@code id}. */
final class Rows {
    private Rows() {
    }

    /** Creates {@code table} with a stream kept {@code retentionHours} hours. */
    static void createStreamTable(TableClient tables, String table, int retentionHours) {
        tables.createTable(CreateTableRequest.builder(table).addPrimaryKey("id", PrimaryKeyType.INTEGER)
                .streamEnabled(retentionHours).build());
    }

    static PrimaryKey key(long id) {
        return PrimaryKey.of(PrimaryKeyColumn.of("id", ColumnValue.ofLong(id)));
    }

    /** Puts rows {@code from..to} (inclusive) with a column {@code v = id}. */
    static void put(TableClient tables, String table, long from, long to) {
        for (long id = from; id <= to; id++) {
            tables.putRow(RowPutChange.of(table, key(id), List.of(Cell.put("v", ColumnValue.ofLong(id)))));
        }
    }

    static long id(StreamRecord record) {
        return record.primaryKey().get(0).value().asLong();
    }

    static List<Long> ids(List<StreamRecord> records) {
        return records.stream().map(Rows::id).toList();
    }

    static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }
}
