package io.tunnelstore.coordinator;

import java.util.HexFormat;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Makes client ids. The coordinator passes a per-tunnel serial that never repeats (it is part of the snapshot),
 * so ids stay unique across restarts even when many clients share a tag (Java's default tag is the OS name).
 */
@FunctionalInterface
public interface ClientIdGenerator {

    /** Returns an id for a client that connected with {@code clientTag}; {@code serial} is unique per tunnel. */
    String newClientId(String clientTag, long serial);

    /** {@code tag-serial}: fully deterministic, for tests and simulations. */
    static ClientIdGenerator sequential() {
        return (tag, serial) -> tag + "-" + serial;
    }

    /**
     * {@code tag-serial-<16 hex digits>} from {@code random}, matching the documented "tag plus a random string"
     * shape. The generator is only called on the coordinator's thread.
     */
    static ClientIdGenerator random(RandomGenerator random) {
        Objects.requireNonNull(random, "random");
        return (tag, serial) -> tag + "-" + serial + "-" + HexFormat.of().toHexDigits(random.nextLong());
    }
}
