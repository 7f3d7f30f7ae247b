package io.tunnelstore.protocol.plainbuffer;

import io.tunnelstore.protocol.model.ColumnValue;
import java.util.Arrays;

/** Growable little-endian byte writer (not thread-safe; one per encode call). */
final class ByteSink {
    private byte[] buf;
    private int size;

    /** {@code initialCapacity} is exact when the caller computed the encoded size (then no copy is made). */
    ByteSink(int initialCapacity) {
        buf = new byte[Math.max(0, initialCapacity)];
    }

    private void ensure(int extra) {
        int needed = size + extra;
        if (needed < 0) {
            throw new PlainBufferException("encoded PlainBuffer would exceed 2 GiB");
        }
        if (needed > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(needed, buf.length * 2));
        }
    }

    void writeByte(int b) {
        ensure(1);
        buf[size++] = (byte) b;
    }

    void writeInt32(int v) {
        ensure(4);
        for (int i = 0; i < 4; i++) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
    }

    void writeInt64(long v) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
    }

    void writeBytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
    }

    void writeBytes(byte[] b, int offset, int length) {
        ensure(length);
        System.arraycopy(b, offset, buf, size, length);
        size += length;
    }

    /** Forgets what was written, keeping the buffer (a writer reused row after row). */
    void reset() {
        size = 0;
    }

    /** Writes a STRING/BINARY value's payload straight from the value (no copy of it first). */
    void writeRawBytes(ColumnValue value) {
        int n = value.rawLength();
        ensure(n);
        value.copyRawBytesTo(buf, size);
        size += n;
    }

    /** Writes {@code s}, all of whose chars are ASCII, as its bytes (which are also its UTF-8 encoding). */
    void writeAscii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[size++] = (byte) s.charAt(i);
        }
    }

    int size() {
        return size;
    }

    /** The buffer written so far (valid up to {@link #size()}); for checksums over what was just written. */
    byte[] buffer() {
        return buf;
    }

    /** The bytes written; the buffer itself when it was sized exactly (no copy). */
    byte[] toByteArray() {
        return size == buf.length ? buf : Arrays.copyOf(buf, size);
    }
}
