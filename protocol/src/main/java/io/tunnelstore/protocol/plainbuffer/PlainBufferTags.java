package io.tunnelstore.protocol.plainbuffer;

/** PlainBuffer constants (PROTOCOL.md §5.2, §5.3). */
final class PlainBufferTags {
    static final int HEADER = 0x75;

    static final int TAG_ROW_PK = 0x01;
    static final int TAG_ROW_DATA = 0x02;
    static final int TAG_CELL = 0x03;
    static final int TAG_CELL_NAME = 0x04;
    static final int TAG_CELL_VALUE = 0x05;
    static final int TAG_CELL_TYPE = 0x06;
    static final int TAG_CELL_TIMESTAMP = 0x07;
    static final int TAG_DELETE_ROW_MARKER = 0x08;
    static final int TAG_ROW_CHECKSUM = 0x09;
    static final int TAG_CELL_CHECKSUM = 0x0A;
    static final int TAG_EXTENSION = 0x0B;
    static final int TAG_SEQ_INFO = 0x0C;
    static final int TAG_SEQ_INFO_EPOCH = 0x0D;
    static final int TAG_SEQ_INFO_TS = 0x0E;
    static final int TAG_SEQ_INFO_ROW_INDEX = 0x0F;

    static final int VT_INTEGER = 0x00;
    static final int VT_DOUBLE = 0x01;
    static final int VT_BOOLEAN = 0x02;
    static final int VT_STRING = 0x03;
    static final int VT_BLOB = 0x07;
    static final int VT_INF_MIN = 0x09;
    static final int VT_INF_MAX = 0x0A;
    static final int VT_AUTO_INCREMENT = 0x0B;

    /** Length written after TAG_SEQ_INFO: (1+4) epoch + (1+8) timestamp + (1+4) row index. */
    static final int SEQ_INFO_LENGTH = 19;
    /** Length written after TAG_EXTENSION: TAG_SEQ_INFO + its int32 length + {@link #SEQ_INFO_LENGTH}. */
    static final int EXTENSION_LENGTH = 1 + 4 + SEQ_INFO_LENGTH;

    private PlainBufferTags() {
    }
}
