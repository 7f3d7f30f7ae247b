package io.tunnelstore.client;

/** Scan order by primary key. */
public enum Direction {
    /** Ascending: start is inclusive and lower, end exclusive and higher. */
    FORWARD,
    /** Descending: start is inclusive and higher, end exclusive and lower. */
    BACKWARD
}
