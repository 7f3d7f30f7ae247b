package io.tunnelstore.protocol.plainbuffer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class Crc8Test {

    @Test
    void sdkTestVectorsFromProtocolDoc() {
        // PROTOCOL.md §5.5: 0x01 -> 0x07, 0x03 -> 0x1C, 0x07 -> 0x41, 0xFF -> 0x33, 0x80 -> 0x10, 0x00 -> 0x70
        int crc = 0;
        crc = Crc8.update(crc, 0x01);
        assertThat(crc).isEqualTo(0x07);
        crc = Crc8.update(crc, 0x03);
        assertThat(crc).isEqualTo(0x1C);
        crc = Crc8.update(crc, 0x07);
        assertThat(crc).isEqualTo(0x41);
        crc = Crc8.update(crc, 0xFF);
        assertThat(crc).isEqualTo(0x33);
        crc = Crc8.update(crc, 0x80);
        assertThat(crc).isEqualTo(0x10);
        crc = Crc8.update(crc, 0x00);
        assertThat(crc).isEqualTo(0x70);
    }

    @Test
    void checksumWalkThroughForIntegerPkCell() {
        // §5.8: CRC over "pk" = 0xB4, then type 0x00 + int64 1 = 0x4C
        int crc = Crc8.update(0, new byte[] {0x70, 0x6B});
        assertThat(crc).isEqualTo(0xB4);
        crc = Crc8.updateInt64(Crc8.update(crc, 0x00), 1L);
        assertThat(crc).isEqualTo(0x4C);
        // row: cell 0x4C, attribute cell 0x66, delete byte 0 -> 0xF7
        assertThat(Crc8.update(Crc8.update(Crc8.update(0, 0x4C), 0x66), 0)).isEqualTo(0xF7);
    }

    @Test
    void multiByteHelpersFeedLittleEndian() {
        byte[] le = {0x78, 0x56, 0x34, 0x12};
        assertThat(Crc8.updateInt32(0x5A, 0x12345678)).isEqualTo(Crc8.update(0x5A, le));
        byte[] le64 = {(byte) 0xEF, (byte) 0xCD, (byte) 0xAB, (byte) 0x89, 0x67, 0x45, 0x23, 0x01};
        assertThat(Crc8.updateInt64(0x11, 0x0123456789ABCDEFL)).isEqualTo(Crc8.update(0x11, le64));
        assertThat(Crc8.update(3, new byte[] {9, 8, 7, 6}, 1, 2)).isEqualTo(Crc8.update(3, new byte[] {8, 7}));
    }

    @Test
    void matchesOfficialSdkCrcOnAllBytePairs() {
        for (int start = 0; start < 256; start++) {
            for (int b = 0; b < 256; b++) {
                byte theirs = com.alicloud.openservices.tablestore.core.protocol.PlainBufferCrc8.crc8((byte) start, (byte) b);
                assertThat(Crc8.update(start, b)).isEqualTo(theirs & 0xFF);
            }
        }
    }

    @Test
    void arrayUpdateEqualsByteByByteForEveryLengthOffsetAndStart() {
        // the array form reads 8 bytes per step (slicing-by-8); it must give the byte-by-byte CRC for every length
        // (whole blocks and every remainder), offset and starting CRC
        Random random = new Random(42);
        byte[] data = new byte[1100];
        random.nextBytes(data);
        for (int length = 0; length <= 40; length++) {
            for (int offset = 0; offset < 9; offset++) {
                int start = random.nextInt(256);
                assertThat(Crc8.update(start, data, offset, length)).isEqualTo(byteByByte(start, data, offset, length));
            }
        }
        assertThat(Crc8.update(0x5A, data, 3, 1024)).isEqualTo(byteByByte(0x5A, data, 3, 1024));
        assertThat(Crc8.update(0, data)).isEqualTo(byteByByte(0, data, 0, data.length));
    }

    private static int byteByByte(int crc, byte[] data, int offset, int length) {
        int c = crc;
        for (int i = offset; i < offset + length; i++) {
            c = Crc8.update(c, data[i]);
        }
        return c;
    }
}
