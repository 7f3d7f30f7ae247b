package io.tunnelstore.storage.contract;

import io.tunnelstore.storage.StorageEngine;
import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.testsupport.ManualClock;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the engine contract suites: every {@code *Contract} class tests {@link StorageEngine} behaviour that every
 * engine must have, against the engine a subclass opens. An engine runs the suite by extending each contract class
 * with {@link #openEngine} (RocksDB: a temporary directory; HBase: a table of a shared minicluster).
 *
 * <p>Each test gets a fresh, empty store with a {@link ManualClock}; {@link #reopen()} closes the engine and opens
 * the same store again (what survives it is what a restart keeps).
 */
public abstract class EngineContractBase {
    public static final Instant START = Instant.parse("2026-01-02T03:04:05.123456Z");

    protected ManualClock clock;
    protected StorageEngine engine;

    /**
     * Opens the engine on this test's store: empty on the first call of a test, the same store on later calls
     * (after {@link StorageEngine#close()}).
     */
    protected abstract StorageEngine openEngine(StorageOptions options);

    protected StorageOptions options() {
        return StorageOptions.builder().clock(clock).build();
    }

    @BeforeEach
    void openEngineForTest() {
        clock = ManualClock.startingAt(START);
        engine = openEngine(options());
    }

    /** Closes the engine and opens the same store again. */
    protected void reopen() {
        engine.close();
        engine = openEngine(options());
    }

    @AfterEach
    void closeEngineAfterTest() {
        if (engine != null) {
            engine.close();
        }
    }
}
