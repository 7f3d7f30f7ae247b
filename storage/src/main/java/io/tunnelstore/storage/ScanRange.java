package io.tunnelstore.storage;

/**
 * Row keys {@code startInclusive <= key < endExclusive} in unsigned lexicographic order; a {@code null} bound is
 * unbounded. {@code reverse} scans go from the greatest key below {@code endExclusive} down to
 * {@code startInclusive}.
 */
public record ScanRange(byte[] startInclusive, byte[] endExclusive, boolean reverse) {
    public static ScanRange all() {
        return new ScanRange(null, null, false);
    }
}
