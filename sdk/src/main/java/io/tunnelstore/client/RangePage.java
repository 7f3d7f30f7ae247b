package io.tunnelstore.client;

import io.tunnelstore.protocol.model.PrimaryKey;
import java.util.List;
import java.util.Optional;

/**
 * One response of a range read.
 *
 * @param rows                rows in scan order (unmodifiable)
 * @param nextStartPrimaryKey where the next page starts, or {@code null} when the range is exhausted
 * @param consumed            capacity consumed by this page
 */
public record RangePage(List<Row> rows, PrimaryKey nextStartPrimaryKey, ConsumedCapacity consumed) {

    public RangePage {
        rows = List.copyOf(rows);
    }

    /** Where the next page starts, if the range has more rows. */
    public Optional<PrimaryKey> next() {
        return Optional.ofNullable(nextStartPrimaryKey);
    }
}
