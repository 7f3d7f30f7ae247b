package io.tunnelstore.client;

import io.tunnelstore.client.internal.BatchWriteCall;
import io.tunnelstore.client.internal.Futures;
import io.tunnelstore.client.internal.OtsHttpTransport;
import io.tunnelstore.client.internal.ResponseMapping;
import io.tunnelstore.client.internal.TableMessages;
import io.tunnelstore.protocol.Action;
import io.tunnelstore.protocol.model.PrimaryKey;
import io.tunnelstore.protocol.pb.TableProtos;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Client of the table API: table management and row reads/writes.
 *
 * <pre>{@code
 * TableClient client = TableClient.builder()
 *     .endpoint("http://127.0.0.1:8080")
 *     .instanceName("demo")
 *     .credentialsProvider(EnvironmentCredentialsProvider.fromSystemEnv())
 *     .build();                       // thread-safe: create one and share it
 * client.putRow(RowPutChange.of("orders", pk, List.of(Cell.put("amount", ColumnValue.ofLong(42)))));
 * Optional<Row> row = client.getRow("orders", pk);
 * }</pre>
 *
 * <p><b>Threads.</b> Thread-safe. Sync methods block the caller; each has an {@code …Async} twin returning a
 * {@link CompletableFuture} that completes on an I/O thread (or the configured executor) — don't block in
 * its callbacks.
 *
 * <p><b>Failures.</b> Sync methods throw {@link TablestoreException} (server errors, with code, request id
 * and remedy) or {@link ClientTransportException} (network, timeout, malformed response); async methods
 * complete exceptionally with the same exceptions. Retryable failures have already been retried per the
 * {@link RetryPolicy}. Invalid arguments throw {@link IllegalArgumentException} immediately.
 *
 * <p><b>Lifecycle.</b> {@link #close()} rejects further calls and stops the client's own timer thread; a call in
 * flight finishes its current attempt but is not retried any more. {@link ClientResources} shared through
 * {@link ClientConfig#resources()} are not closed: they belong to whoever created them.
 */
public final class TableClient implements AutoCloseable {

    /** Most rows one {@link #batchWriteRow} may carry (server limit). */
    public static final int MAX_BATCH_WRITE_ROWS = 200;

    private final OtsHttpTransport transport;
    private final boolean verify;
    private volatile boolean closed;

    private TableClient(ClientConfig config) {
        this.transport = new OtsHttpTransport(config);
        this.verify = config.verifyResponseSignature();
    }

    /** Client over an existing transport (tests inject a transport with fake time). */
    TableClient(OtsHttpTransport transport) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.verify = transport.config().verifyResponseSignature();
    }

    /** Starts a builder; see {@link ClientConfig} for the settings and their defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A client with the given settings. */
    public static TableClient create(ClientConfig config) {
        return new TableClient(config);
    }

    /** The settings of this client. */
    public ClientConfig config() {
        return transport.config();
    }

    // ------------------------------------------------------------------ table management

    /**
     * Creates a table.
     *
     * @throws TablestoreException {@code OTSObjectAlreadyExist} if it exists; {@code OTSParameterInvalid}
     *                             for a schema the server rejects
     */
    public void createTable(CreateTableRequest request) {
        await(createTableAsync(request), Action.CREATE_TABLE);
    }

    public CompletableFuture<Void> createTableAsync(CreateTableRequest request) {
        return call(Action.CREATE_TABLE, TableMessages.createTable(request),
                TableProtos.CreateTableResponse.parser(), r -> null);
    }

    /** @throws TablestoreException {@code OTSObjectNotExist} if the table does not exist */
    public TableDescription describeTable(String tableName) {
        return await(describeTableAsync(tableName), Action.DESCRIBE_TABLE);
    }

    public CompletableFuture<TableDescription> describeTableAsync(String tableName) {
        TableNames.validate(tableName);
        return call(Action.DESCRIBE_TABLE,
                TableProtos.DescribeTableRequest.newBuilder().setTableName(tableName).build(),
                TableProtos.DescribeTableResponse.parser(), TableMessages::describeTable);
    }

    /** Names of every table of the instance. */
    public List<String> listTables() {
        return await(listTablesAsync(), Action.LIST_TABLE);
    }

    public CompletableFuture<List<String>> listTablesAsync() {
        return call(Action.LIST_TABLE, TableProtos.ListTableRequest.getDefaultInstance(),
                TableProtos.ListTableResponse.parser(), r -> List.copyOf(r.getTableNamesList()));
    }

    /** @throws TablestoreException {@code OTSObjectNotExist} if the table does not exist */
    public void deleteTable(String tableName) {
        await(deleteTableAsync(tableName), Action.DELETE_TABLE);
    }

    public CompletableFuture<Void> deleteTableAsync(String tableName) {
        TableNames.validate(tableName);
        return call(Action.DELETE_TABLE,
                TableProtos.DeleteTableRequest.newBuilder().setTableName(tableName).build(),
                TableProtos.DeleteTableResponse.parser(), r -> null);
    }

    /**
     * Turns the table's change stream on (with a retention) or off.
     *
     * @return the stream as the server reports it after the update
     */
    public StreamDetails updateTableStream(String tableName, StreamSpecification stream) {
        return await(updateTableStreamAsync(tableName, stream), Action.UPDATE_TABLE);
    }

    public CompletableFuture<StreamDetails> updateTableStreamAsync(String tableName, StreamSpecification stream) {
        TableNames.validate(tableName);
        Objects.requireNonNull(stream, "stream");
        return call(Action.UPDATE_TABLE, TableProtos.UpdateTableRequest.newBuilder().setTableName(tableName)
                        .setStreamSpec(TableMessages.streamSpec(stream)).build(),
                TableProtos.UpdateTableResponse.parser(),
                r -> r.hasStreamDetails() ? TableMessages.streamDetails(r.getStreamDetails())
                        : StreamDetails.disabled());
    }

    // ------------------------------------------------------------------ single rows

    /**
     * Writes a whole row.
     *
     * @throws TablestoreException {@code OTSConditionCheckFail} if the condition is not met
     */
    public ConsumedCapacity putRow(RowPutChange change) {
        return await(putRowAsync(change), Action.PUT_ROW);
    }

    public CompletableFuture<ConsumedCapacity> putRowAsync(RowPutChange change) {
        return call(Action.PUT_ROW, TableMessages.putRow(change), TableProtos.PutRowResponse.parser(),
                r -> TableMessages.consumed(r.getConsumed()));
    }

    /**
     * Writes a whole row and returns its full primary key as stored — with the server-assigned values of
     * auto-increment columns (written as {@code ColumnValue.AUTO_INCREMENT}).
     *
     * @throws TablestoreException {@code OTSConditionCheckFail} if the condition is not met
     */
    public PrimaryKey putRowReturningPrimaryKey(RowPutChange change) {
        return await(putRowReturningPrimaryKeyAsync(change), Action.PUT_ROW);
    }

    public CompletableFuture<PrimaryKey> putRowReturningPrimaryKeyAsync(RowPutChange change) {
        return call(Action.PUT_ROW, TableMessages.putRowReturningPrimaryKey(change),
                TableProtos.PutRowResponse.parser(), r -> TableMessages.writtenPrimaryKey(change, r));
    }

    /**
     * Changes some columns of a row.
     *
     * @throws TablestoreException {@code OTSConditionCheckFail} if the condition is not met
     */
    public ConsumedCapacity updateRow(RowUpdateChange change) {
        return await(updateRowAsync(change), Action.UPDATE_ROW);
    }

    public CompletableFuture<ConsumedCapacity> updateRowAsync(RowUpdateChange change) {
        return call(Action.UPDATE_ROW, TableMessages.updateRow(change), TableProtos.UpdateRowResponse.parser(),
                r -> TableMessages.consumed(r.getConsumed()));
    }

    /**
     * Deletes a row (deleting a missing row succeeds unless the condition is EXPECT_EXIST).
     *
     * @throws TablestoreException {@code OTSConditionCheckFail} if the condition is not met
     */
    public ConsumedCapacity deleteRow(RowDeleteChange change) {
        return await(deleteRowAsync(change), Action.DELETE_ROW);
    }

    public CompletableFuture<ConsumedCapacity> deleteRowAsync(RowDeleteChange change) {
        return call(Action.DELETE_ROW, TableMessages.deleteRow(change), TableProtos.DeleteRowResponse.parser(),
                r -> TableMessages.consumed(r.getConsumed()));
    }

    /** The row, or empty if it does not exist. */
    public Optional<Row> getRow(GetRowRequest request) {
        return await(getRowAsync(request), Action.GET_ROW);
    }

    /** All columns (latest versions) of the row, or empty if it does not exist. */
    public Optional<Row> getRow(String tableName, PrimaryKey primaryKey) {
        return getRow(GetRowRequest.of(tableName, primaryKey));
    }

    public CompletableFuture<Optional<Row>> getRowAsync(GetRowRequest request) {
        return call(Action.GET_ROW, TableMessages.getRow(request), TableProtos.GetRowResponse.parser(),
                r -> Optional.ofNullable(TableMessages.rowOrNull(r.getRow())));
    }

    // ------------------------------------------------------------------ batch

    /**
     * Writes up to {@value #MAX_BATCH_WRITE_ROWS} rows, possibly of several tables, in one request. Rows
     * succeed or fail individually: the result has one entry per change, in request order. Rows that fail
     * with a transient code (busy, row conflict, table not ready, …) are re-sent alone with back-off within
     * the {@link RetryPolicy} budget and the call timeout; other row failures are reported as they are.
     *
     * @throws IllegalArgumentException if {@code changes} is empty or too long
     * @throws TablestoreException      if the whole request fails
     */
    public BatchWriteResult batchWriteRow(List<? extends RowChange> changes) {
        return await(batchWriteRowAsync(changes), Action.BATCH_WRITE_ROW);
    }

    public CompletableFuture<BatchWriteResult> batchWriteRowAsync(List<? extends RowChange> changes) {
        List<RowChange> copy = List.copyOf(changes);
        if (copy.isEmpty() || copy.size() > MAX_BATCH_WRITE_ROWS) {
            throw new IllegalArgumentException("a batch write needs 1 to " + MAX_BATCH_WRITE_ROWS
                    + " rows, got " + copy.size());
        }
        if (closed) {
            throw new IllegalStateException("TableClient is closed");
        }
        return BatchWriteCall.start(transport, verify, copy);
    }

    // ------------------------------------------------------------------ range

    /**
     * One page of rows in {@code [start, end)} (for BACKWARD, {@code start} is the higher key). Use
     * {@code ColumnValue.INF_MIN} / {@code INF_MAX} in key columns for open bounds. The page may hold fewer
     * rows than exist; continue from {@link RangePage#nextStartPrimaryKey()} — or let {@link #scan} do it.
     */
    public RangePage getRange(String tableName, PrimaryKey start, PrimaryKey end, ScanOptions options) {
        return await(getRangeAsync(tableName, start, end, options), Action.GET_RANGE);
    }

    public CompletableFuture<RangePage> getRangeAsync(String tableName, PrimaryKey start, PrimaryKey end,
                                                      ScanOptions options) {
        TableNames.validate(tableName);
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(options, "options");
        int limit = options.pageSize();
        if (options.limit() > 0 && (limit == 0 || options.limit() < limit)) {
            limit = (int) Math.min(Integer.MAX_VALUE, options.limit());
        }
        return call(Action.GET_RANGE, TableMessages.getRange(tableName, start, end, options, limit),
                TableProtos.GetRangeResponse.parser(), TableMessages::rangePage);
    }

    /**
     * Every row in {@code [start, end)} (up to {@link ScanOptions#limit()}), fetched page by page as the
     * iterator advances. The iterator is not thread-safe; its {@code hasNext()}/{@code next()} may block on
     * a request and throw {@link TablestoreException}.
     */
    public Iterator<Row> scan(String tableName, PrimaryKey start, PrimaryKey end, ScanOptions options) {
        TableNames.validate(tableName);
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(options, "options");
        return new RangeIterator(tableName, start, end, options);
    }

    /** Pages through a range via {@code next_start_primary_key}. */
    private final class RangeIterator implements Iterator<Row> {
        private final String tableName;
        private final PrimaryKey end;
        private final ScanOptions options;
        private final ArrayDeque<Row> buffer = new ArrayDeque<>();
        private PrimaryKey nextStart;
        private long remaining;

        RangeIterator(String tableName, PrimaryKey start, PrimaryKey end, ScanOptions options) {
            this.tableName = tableName;
            this.end = end;
            this.options = options;
            this.nextStart = start;
            this.remaining = options.limit() == 0 ? Long.MAX_VALUE : options.limit();
        }

        @Override
        public boolean hasNext() {
            // Pages may be empty while more rows follow; keep fetching until rows or the end.
            while (buffer.isEmpty() && nextStart != null && remaining > 0) {
                ScanOptions pageOptions = ScanOptions.builder().direction(options.direction())
                        .columnsToGet(options.columnsToGet()).maxVersions(options.maxVersions())
                        .pageSize(options.pageSize())
                        .limit(remaining == Long.MAX_VALUE ? 0 : remaining).build();
                RangePage page = getRange(tableName, nextStart, end, pageOptions);
                for (Row r : page.rows()) {
                    if (buffer.size() < remaining) {
                        buffer.add(r);
                    }
                }
                nextStart = page.nextStartPrimaryKey();
            }
            return !buffer.isEmpty();
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException("range of table '" + tableName + "' is exhausted");
            }
            remaining--;
            return buffer.poll();
        }
    }

    // ------------------------------------------------------------------ plumbing

    /** Rejects further calls and releases the client's timer thread. Idempotent. */
    @Override
    public void close() {
        closed = true;
        transport.close();
    }

    private <M extends com.google.protobuf.Message, R> CompletableFuture<R> call(
            Action action, com.google.protobuf.Message request, com.google.protobuf.Parser<M> parser,
            java.util.function.Function<? super M, ? extends R> conversion) {
        if (closed) {
            throw new IllegalStateException("TableClient is closed");
        }
        return ResponseMapping.map(transport.call(action, request, parser, verify), action, conversion);
    }

    private static <T> T await(CompletableFuture<T> future, Action action) {
        return Futures.await(future, action.path());
    }

    /** Builder of a {@link TableClient}; setters and defaults as in {@link ClientConfig}. */
    public static final class Builder extends ClientConfig.AbstractBuilder<Builder> {
        private Builder() {
        }

        /** @throws IllegalStateException if endpoint, instance name or credentials are missing */
        public TableClient build() {
            return new TableClient(buildConfig());
        }
    }
}
