package io.tunnelstore.protocol.model;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * Operation of an attribute cell (PROTOCOL.md §5.6). PUT is encoded by the absence of TAG_CELL_TYPE; the
 * others carry their wire byte.
 */
public enum CellType {
    PUT(-1),
    DELETE_ALL_VERSIONS(0x01),
    DELETE_ONE_VERSION(0x03),
    INCREMENT(0x04);

    private final int wireByte;

    CellType(int wireByte) {
        this.wireByte = wireByte;
    }

    /** The TAG_CELL_TYPE byte, or empty for PUT (which is written without a type tag). */
    public OptionalInt wireByte() {
        return wireByte < 0 ? OptionalInt.empty() : OptionalInt.of(wireByte);
    }

    /** The cell type for a TAG_CELL_TYPE byte (0x01, 0x03, 0x04); empty for anything else. */
    public static Optional<CellType> fromWireByte(int b) {
        return switch (b) {
            case 0x01 -> Optional.of(DELETE_ALL_VERSIONS);
            case 0x03 -> Optional.of(DELETE_ONE_VERSION);
            case 0x04 -> Optional.of(INCREMENT);
            default -> Optional.empty();
        };
    }
}
