package io.tunnelstore.storage;

import java.util.List;

/**
 * A row as stored: its key and its cells ordered by column name ascending, then timestamp descending.
 */
public record StoredRow(byte[] rowKey, List<StoredCell> cells) {}
