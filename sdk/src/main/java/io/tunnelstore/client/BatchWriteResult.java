package io.tunnelstore.client;

import java.util.List;

/**
 * Per-row outcome of {@link TableClient#batchWriteRow}: one {@link RowResult} per requested change, in
 * request order. A batch can partly fail; check {@link #allSucceeded()} or {@link #failed()}.
 *
 * @param results one entry per change, in the order the changes were given
 */
public record BatchWriteResult(List<RowResult> results) {

    public BatchWriteResult {
        results = List.copyOf(results);
    }

    /** True if every row was written. */
    public boolean allSucceeded() {
        return results.stream().allMatch(RowResult::succeeded);
    }

    /** The rows that failed, in request order. */
    public List<RowResult> failed() {
        return results.stream().filter(r -> !r.succeeded()).toList();
    }

    /**
     * Outcome of one change.
     *
     * @param index        position of the change in the request list
     * @param change       the change
     * @param succeeded    whether it was written
     * @param errorCode    the wire error code when it failed, else {@code null}
     * @param errorMessage the server message when it failed, else {@code null}
     * @param consumed     capacity consumed by this row ({@link ConsumedCapacity#NONE} if not reported)
     */
    public record RowResult(int index, RowChange change, boolean succeeded, String errorCode, String errorMessage,
                            ConsumedCapacity consumed) {
    }
}
