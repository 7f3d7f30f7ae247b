package io.tunnelstore.server.cluster;

import com.alicloud.openservices.tablestore.ClientConfiguration;
import com.alicloud.openservices.tablestore.SyncClient;
import com.alicloud.openservices.tablestore.model.ColumnValue;
import com.alicloud.openservices.tablestore.model.GetRowRequest;
import com.alicloud.openservices.tablestore.model.NoRetryStrategy;
import com.alicloud.openservices.tablestore.model.PrimaryKey;
import com.alicloud.openservices.tablestore.model.PrimaryKeyBuilder;
import com.alicloud.openservices.tablestore.model.PrimaryKeyValue;
import com.alicloud.openservices.tablestore.model.PutRowRequest;
import com.alicloud.openservices.tablestore.model.Row;
import com.alicloud.openservices.tablestore.model.RowPutChange;
import com.alicloud.openservices.tablestore.model.SingleRowQueryCriteria;

/**
 * The official SDK as the cluster tests use it: a configuration without retries (a failure must show, not be
 * retried), and rows of a table keyed by one integer {@code id} with one string column {@code v}.
 */
public final class OfficialClients {
    private OfficialClients() {
    }

    /** No retries, a 30 s socket timeout. */
    public static ClientConfiguration noRetries() {
        ClientConfiguration config = new ClientConfiguration();
        config.setRetryStrategy(new NoRetryStrategy());
        config.setSocketTimeoutInMillisecond(30_000);
        return config;
    }

    public static PrimaryKey pk(long id) {
        return PrimaryKeyBuilder.createPrimaryKeyBuilder().addPrimaryKeyColumn("id", PrimaryKeyValue.fromLong(id))
                .build();
    }

    public static void put(SyncClient client, String table, long id, String value) {
        RowPutChange put = new RowPutChange(table, pk(id));
        put.addColumn("v", ColumnValue.fromString(value));
        client.putRow(new PutRowRequest(put));
    }

    /** The latest {@code v} of row {@code id}; null when there is no such row. */
    public static String value(SyncClient client, String table, long id) {
        SingleRowQueryCriteria c = new SingleRowQueryCriteria(table, pk(id));
        c.setMaxVersions(1);
        Row row = client.getRow(new GetRowRequest(c)).getRow();
        return row == null ? null : row.getLatestColumn("v").getValue().asString();
    }
}
