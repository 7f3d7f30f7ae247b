package io.tunnelstore.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;

/**
 * Leaves out the protobuf messages generated into {@code io.tunnelstore.protocol.pb} at build time: static
 * descriptors and parsers by construction, not code we write or shape.
 */
public final class ExcludeGeneratedCode implements ImportOption {
    @Override
    public boolean includes(Location location) {
        return !location.contains("/io/tunnelstore/protocol/pb/");
    }
}
