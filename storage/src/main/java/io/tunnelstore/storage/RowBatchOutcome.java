package io.tunnelstore.storage;

/**
 * The outcome of one row of {@link StorageEngine#mutateRows}: either the row's {@link MutationResult} (its write is
 * durable), or the exception its decider threw (nothing of that row was written). Exactly one is non-null.
 */
public record RowBatchOutcome<T>(MutationResult<T> result, RuntimeException failure) {
    public RowBatchOutcome {
        if ((result == null) == (failure == null)) {
            throw new IllegalArgumentException("exactly one of result and failure must be set");
        }
    }

    public static <T> RowBatchOutcome<T> succeeded(MutationResult<T> result) {
        return new RowBatchOutcome<>(result, null);
    }

    public static <T> RowBatchOutcome<T> failed(RuntimeException failure) {
        return new RowBatchOutcome<>(null, failure);
    }

    public boolean succeeded() {
        return result != null;
    }
}
