package io.tunnelstore.coordinator;

import java.util.Objects;

/** When and why a tunnel was expired or disabled. */
public record LifecycleMark(long atMillis, String reason) {
    public LifecycleMark {
        Objects.requireNonNull(reason, "reason");
    }
}
