package io.tunnelstore.storage.rocksdb;


import io.tunnelstore.storage.StorageOptions;
import io.tunnelstore.testsupport.ManualClock;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Opens a fresh engine with a manual clock in a temporary directory for each test and closes it afterwards. */
abstract class EngineTestBase {
    static final Instant START = Instant.parse("2026-01-02T03:04:05.123456Z");

    @TempDir
    Path dataDir;

    ManualClock clock;
    RocksDbStorageEngine engine;

    @BeforeEach
    void openEngine() {
        clock = ManualClock.startingAt(START);
        engine = RocksDbStorageEngine.open(dataDir, options());
    }

    StorageOptions options() {
        return StorageOptions.builder().clock(clock).build();
    }

    /** Closes the engine and opens the same directory again. */
    void reopen() {
        engine.close();
        engine = RocksDbStorageEngine.open(dataDir, options());
    }

    @AfterEach
    void closeEngine() {
        if (engine != null) {
            engine.close();
        }
    }
}
