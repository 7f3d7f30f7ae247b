package io.tunnelstore.protocol.plainbuffer;

/**
 * Bounds-checked little-endian reader over a byte array. Every read checks the remaining length first and
 * throws {@link PlainBufferException} (with the offset) instead of running off the end.
 */
final class ByteSource {
    private final byte[] data;
    /** Where the bytes to read end (exclusive); offsets are positions in {@link #data()}. */
    private final int end;
    private int pos;

    ByteSource(byte[] data) {
        this(data, 0, data.length);
    }

    /** Reads {@code data[from, to)}; positions (and offsets in error messages) still count from {@code data[0]}. */
    ByteSource(byte[] data, int from, int to) {
        this.data = data;
        this.pos = from;
        this.end = to;
    }

    int position() {
        return pos;
    }

    byte[] data() {
        return data;
    }

    boolean atEnd() {
        return pos >= end;
    }

    int remaining() {
        return end - pos;
    }

    /**
     * What is being read, for error messages only: built when a read fails, so the per-cell descriptions (which name
     * the cell) cost nothing on the normal path.
     */
    @FunctionalInterface
    interface What {
        String describe();
    }

    private void require(int n, String what) {
        if (n < 0 || n > end - pos) {
            throw truncated(n, what);
        }
    }

    private void require(int n, What what) {
        if (n < 0 || n > end - pos) {
            throw truncated(n, what.describe());
        }
    }

    private PlainBufferException truncated(int n, String what) {
        return new PlainBufferException("truncated PlainBuffer: " + what + " needs " + n + " byte(s) at offset "
                + pos + " but only " + (end - pos) + " remain");
    }

    /** The next byte (0..255) without consuming it, or -1 at the end. */
    int peek() {
        return pos < end ? data[pos] & 0xFF : -1;
    }

    int readByte(String what) {
        require(1, what);
        return data[pos++] & 0xFF;
    }

    int readByte(What what) {
        require(1, what);
        return data[pos++] & 0xFF;
    }

    int readInt32(What what) {
        require(4, what);
        return readInt32Unchecked();
    }

    long readInt64(What what) {
        require(8, what);
        return readInt64Unchecked();
    }

    int skip(int n, What what) {
        require(n, what);
        int start = pos;
        pos += n;
        return start;
    }

    int readInt32(String what) {
        require(4, what);
        return readInt32Unchecked();
    }

    long readInt64(String what) {
        require(8, what);
        return readInt64Unchecked();
    }

    private int readInt32Unchecked() {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v |= (data[pos++] & 0xFF) << (8 * i);
        }
        return v;
    }

    private long readInt64Unchecked() {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (data[pos++] & 0xFFL) << (8 * i);
        }
        return v;
    }

    /** Skips {@code n} bytes after checking they exist; returns the offset where they start. */
    int skip(int n, String what) {
        require(n, what);
        int start = pos;
        pos += n;
        return start;
    }

    /** Reads a tag and fails unless it is {@code expected}. */
    void expectTag(int expected, String what) {
        int at = pos;
        int tag = readByte(what);
        if (tag != expected) {
            throw new PlainBufferException(String.format(
                    "malformed PlainBuffer: expected %s (tag 0x%02X) at offset %d but found 0x%02X", what, expected, at, tag));
        }
    }
}
