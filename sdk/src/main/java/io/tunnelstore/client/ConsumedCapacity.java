package io.tunnelstore.client;

/**
 * Capacity units a call consumed, as reported by the server.
 *
 * @param read  read capacity units
 * @param write write capacity units
 */
public record ConsumedCapacity(int read, int write) {

    /** Nothing consumed (or not reported). */
    public static final ConsumedCapacity NONE = new ConsumedCapacity(0, 0);
}
