package io.tunnelstore.cli;

import io.tunnelstore.client.PrimaryKeySchema;
import io.tunnelstore.client.TableClient;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.model.PrimaryKey;
import java.util.List;
import java.util.Map;

/**
 * The primary-key schema of a table, fetched once with DescribeTable so that key values given as text can be
 * typed and ordered. Immutable.
 */
record TableSchema(String table, List<PrimaryKeySchema> primaryKey) {

    TableSchema {
        primaryKey = List.copyOf(primaryKey);
    }

    /** @throws io.tunnelstore.client.TablestoreException OTSObjectNotExist when the table does not exist */
    static TableSchema of(TableClient client, String table) {
        return new TableSchema(table, client.describeTable(table).primaryKey());
    }

    List<String> keyNames() {
        return primaryKey.stream().map(PrimaryKeySchema::name).toList();
    }

    PrimaryKey fullKey(Map<String, String> values) {
        return PrimaryKeys.fullKey(table, primaryKey, values);
    }

    PrimaryKey bound(Map<String, String> values, ColumnValue fill, ColumnValue fillIfEmpty) {
        return PrimaryKeys.bound(table, primaryKey, values, fill, fillIfEmpty);
    }
}
