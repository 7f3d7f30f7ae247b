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
     * Slicing-by-8 tables: {@code SLICE[k][x]} is the CRC of byte {@code x} followed by {@code k} zero bytes. The CRC
     * is linear over GF(2), so 8 bytes fold in with 8 independent look-ups XORed together instead of a chain of 8
     * dependent ones: {@code crc' = S7[crc ^ b0] ^ S6[b1] ^ ... ^ S0[b7]}. Values are 100 B and more on the hand-over
     * path, where the byte-wise loop was a fifth of the codec's time.
     */
    private static final int[][] SLICE = new int[8][256];

    static {
        for (int i = 0; i < 256; i++) {
            int crc = i;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x80) != 0 ? ((crc << 1) ^ 0x07) : (crc << 1);
            }
            TABLE[i] = crc & 0xFF;
        }
        SLICE[0] = TABLE;
        for (int k = 1; k < 8; k++) {
            for (int i = 0; i < 256; i++) {
                SLICE[k][i] = TABLE[SLICE[k - 1][i]];
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
        int c = crc;
        int i = offset;
        int end = offset + length;
        int[] s0 = SLICE[0], s1 = SLICE[1], s2 = SLICE[2], s3 = SLICE[3];
        int[] s4 = SLICE[4], s5 = SLICE[5], s6 = SLICE[6], s7 = SLICE[7];
        for (; end - i >= 8; i += 8) {
            c = s7[(c ^ data[i]) & 0xFF] ^ s6[data[i + 1] & 0xFF] ^ s5[data[i + 2] & 0xFF] ^ s4[data[i + 3] & 0xFF]
                    ^ s3[data[i + 4] & 0xFF] ^ s2[data[i + 5] & 0xFF] ^ s1[data[i + 6] & 0xFF] ^ s0[data[i + 7] & 0xFF];
        }
        for (; i < end; i++) {
            c = TABLE[(c ^ data[i]) & 0xFF];
        }
        return c;
    }

    /** The byte-at-a-time reference of {@link #update(int, byte[], int, int)} (tests compare the two). */
    static int updateBytewise(int crc, byte[] data, int offset, int length) {
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
        int[][] s = SLICE;
        return s[7][(crc ^ (int) value) & 0xFF] ^ s[6][(int) (value >>> 8) & 0xFF] ^ s[5][(int) (value >>> 16) & 0xFF]
                ^ s[4][(int) (value >>> 24) & 0xFF] ^ s[3][(int) (value >>> 32) & 0xFF]
                ^ s[2][(int) (value >>> 40) & 0xFF] ^ s[1][(int) (value >>> 48) & 0xFF] ^ s[0][(int) (value >>> 56) & 0xFF];
    }
}
