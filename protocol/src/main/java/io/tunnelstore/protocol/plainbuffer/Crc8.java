package io.tunnelstore.protocol.plainbuffer;

/**
 * CRC-8 as used by PlainBuffer checksums (PROTOCOL.md §5.5): polynomial 0x07, initial value 0, no reflection,
 * no final XOR, table driven. Multi-byte integers are fed little-endian (low byte first).
 *
 * <p>All methods take the running CRC as an int in 0..255 and return the updated CRC in 0..255. Thread-safe.
 */
public final class Crc8 {

    private static final int[] TABLE = new int[256];
    /**
     * Slicing-by-8 tables: {@code SLICE[k * 256 + x]} is the CRC, from 0, of byte {@code x} followed by {@code k} zero
     * bytes. The CRC has no initial value or final XOR, so it is linear: the CRC of 8 bytes b0..b7 from {@code c} is
     * {@code SLICE[7][c ^ b0] ^ SLICE[6][b1] ^ ... ^ SLICE[0][b7]}, eight independent look-ups instead of a chain of
     * eight dependent ones (values of 1 KB went byte by byte and were the largest single cost of BatchWriteRow
     * decoding in the server profile; docs/BENCHMARKS.md, scenario 1).
     */
    private static final int[] SLICE = new int[8 * 256];

    static {
        for (int i = 0; i < 256; i++) {
            int crc = i;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x80) != 0 ? ((crc << 1) ^ 0x07) : (crc << 1);
            }
            TABLE[i] = crc & 0xFF;
        }
        for (int x = 0; x < 256; x++) {
            int crc = TABLE[x];
            SLICE[x] = crc;
            for (int k = 1; k < 8; k++) {
                crc = TABLE[crc]; // one more zero byte
                SLICE[k * 256 + x] = crc;
            }
        }
    }

    private Crc8() {
    }

    /** Feeds one byte (only the low 8 bits of {@code b} are used). */
    public static int update(int crc, int b) {
        return TABLE[(crc ^ b) & 0xFF];
    }

    public static int update(int crc, byte[] data) {
        return update(crc, data, 0, data.length);
    }

    public static int update(int crc, byte[] data, int offset, int length) {
        int c = crc & 0xFF;
        int i = offset;
        int end = offset + length;
        for (int stop = end - 7; i < stop; i += 8) {
            c = SLICE[7 * 256 + ((c ^ data[i]) & 0xFF)]
                    ^ SLICE[6 * 256 + (data[i + 1] & 0xFF)]
                    ^ SLICE[5 * 256 + (data[i + 2] & 0xFF)]
                    ^ SLICE[4 * 256 + (data[i + 3] & 0xFF)]
                    ^ SLICE[3 * 256 + (data[i + 4] & 0xFF)]
                    ^ SLICE[2 * 256 + (data[i + 5] & 0xFF)]
                    ^ SLICE[256 + (data[i + 6] & 0xFF)]
                    ^ SLICE[data[i + 7] & 0xFF];
        }
        for (; i < end; i++) {
            c = TABLE[(c ^ data[i]) & 0xFF];
        }
        return c;
    }

    /** Feeds the 4 bytes of {@code value}, little-endian. */
    public static int updateInt32(int crc, int value) {
        int c = crc;
        for (int i = 0; i < 4; i++) {
            c = TABLE[(c ^ (value >>> (8 * i))) & 0xFF];
        }
        return c;
    }

    /** Feeds the 8 bytes of {@code value}, little-endian. */
    public static int updateInt64(int crc, long value) {
        int c = crc;
        for (int i = 0; i < 8; i++) {
            c = TABLE[(c ^ (int) (value >>> (8 * i))) & 0xFF];
        }
        return c;
    }
}
