package io.tunnelstore.protocol.model;

import java.util.List;
import java.util.Objects;

/**
 * One PlainBuffer row as it appears on the wire: primary key, attribute cells in wire order, the delete-row
 * marker and the optional stream sequence info (row extension).
 *
 * @param primaryKey   the key (never null; empty only for odd wire input)
 * @param cells        attribute cells, copied into an unmodifiable list
 * @param deleteMarker whether TAG_DELETE_ROW_MARKER is present (DeleteRow keys)
 * @param sequenceInfo stream position, or null when the row has no extension
 */
public record PlainRow(PrimaryKey primaryKey, List<Cell> cells, boolean deleteMarker, SequenceInfo sequenceInfo) {

    public PlainRow {
        Objects.requireNonNull(primaryKey, "primaryKey");
        cells = List.copyOf(cells);
    }

    /** A row with attribute cells, no delete marker, no sequence info. */
    public static PlainRow of(PrimaryKey primaryKey, List<Cell> cells) {
        return new PlainRow(primaryKey, cells, false, null);
    }

    /** A primary-key-only row (GetRow key, GetRange bound). */
    public static PlainRow ofPrimaryKey(PrimaryKey primaryKey) {
        return new PlainRow(primaryKey, List.of(), false, null);
    }

    /** A primary-key-only row with the delete marker (DeleteRow key). */
    public static PlainRow deleteMarkerRow(PrimaryKey primaryKey) {
        return new PlainRow(primaryKey, List.of(), true, null);
    }

    /** This row with the given sequence info (null removes it). */
    public PlainRow withSequenceInfo(SequenceInfo info) {
        return new PlainRow(primaryKey, cells, deleteMarker, info);
    }
}
