package io.tunnelstore.storage;

/** The lowest and highest retained sequence numbers of a shard; both 0 when it holds no record. */
public record LogBounds(long firstSequence, long lastSequence) {
    public boolean isEmpty() {
        return lastSequence == 0;
    }
}
