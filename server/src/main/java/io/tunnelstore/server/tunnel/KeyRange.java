package io.tunnelstore.server.tunnel;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A range of storage row keys {@code [startInclusive, endExclusive)} read by one base-data channel; an empty
 * array is unbounded on that side. Immutable (arrays copied in and out).
 */
record KeyRange(byte[] startInclusive, byte[] endExclusive) {
    KeyRange {
        startInclusive = startInclusive == null ? new byte[0] : startInclusive.clone();
        endExclusive = endExclusive == null ? new byte[0] : endExclusive.clone();
    }

    @Override
    public byte[] startInclusive() {
        return startInclusive.clone();
    }

    @Override
    public byte[] endExclusive() {
        return endExclusive.clone();
    }

    /** The start as a scan bound: {@code null} when unbounded. */
    byte[] scanStart() {
        return startInclusive.length == 0 ? null : startInclusive.clone();
    }

    /** The end as a scan bound: {@code null} when unbounded. */
    byte[] scanEnd() {
        return endExclusive.length == 0 ? null : endExclusive.clone();
    }

    /** Whether {@code key} lies in the range (unsigned byte order). */
    boolean contains(byte[] key) {
        return Arrays.compareUnsigned(key, startInclusive) >= 0
                && (endExclusive.length == 0 || Arrays.compareUnsigned(key, endExclusive) < 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyRange r && Arrays.equals(r.startInclusive, startInclusive)
                && Arrays.equals(r.endExclusive, endExclusive);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(startInclusive) + Arrays.hashCode(endExclusive);
    }

    @Override
    public String toString() {
        return "[" + HexFormat.of().formatHex(startInclusive) + ", " + HexFormat.of().formatHex(endExclusive) + ")";
    }
}
