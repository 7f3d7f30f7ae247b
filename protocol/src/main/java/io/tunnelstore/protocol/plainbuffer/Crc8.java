package io.tunnelstore.protocol.plainbuffer;

/**
 * CRC-8 as used by PlainBuffer checksums (PROTOCOL.md §5.5): polynomial 0x07, initial value 0, no reflection,
 * no final XOR, table driven. Multi-byte integers are fed little-endian (low byte first).
 *
 * <p>All methods take the running CRC as an int in 0..255 and return the updated CRC in 0..255. Thread-safe.
 */
public final class Crc8 {

    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int crc = i;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x80) != 0 ? ((crc << 1) ^ 0x07) : (crc << 1);
            }
            TABLE[i] = crc & 0xFF;
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
        int c = crc;
        for (int i = offset, end = offset + length; i < end; i++) {
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
