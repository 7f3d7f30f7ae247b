package io.tunnelstore.storage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Puts and deletes of metadata entries applied atomically by {@link StorageEngine#writeMeta}. Not thread-safe. */
public final class MetaBatch {
    /** One operation; {@code value == null} means delete. */
    public record Op(String key, byte[] value) {}

    private final List<Op> ops = new ArrayList<>();

    public MetaBatch put(String key, byte[] value) {
        ops.add(new Op(key, value.clone()));
        return this;
    }

    public MetaBatch delete(String key) {
        ops.add(new Op(key, null));
        return this;
    }

    public List<Op> ops() {
        return Collections.unmodifiableList(ops);
    }

    public boolean isEmpty() {
        return ops.isEmpty();
    }
}
