package io.tunnelstore.storage.contract;

import static io.tunnelstore.storage.contract.TestRows.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.storage.RowBatchEntry;
import io.tunnelstore.storage.RowBatchOutcome;
import io.tunnelstore.storage.RowDecider;
import io.tunnelstore.storage.RowMutation;
import io.tunnelstore.storage.StoredCell;
import io.tunnelstore.storage.StoredRow;
import io.tunnelstore.storage.VersionClock;
import io.tunnelstore.testsupport.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The row version time the engine hands every decider: max(clock, newest version of the row + 1), never a clock
 * reading below an earlier one.
 */
public abstract class VersionClockContract extends EngineContractBase {
    private static final long TABLE = 7;
    private static final long NOW = START.toEpochMilli();

    /** Puts column c at the row version time and returns that time. */
    private long putAtVersionTime(String row) {
        return engine.mutateRow(TABLE, bytes(row), (current, versionMillis) -> RowDecider.Decision.of(
                new RowMutation().put("c", versionMillis, bytes("v")), versionMillis)).result();
    }

    @Test
    void aNewRowGetsTheClockAndEachLaterWriteTheNextMillisecondWhileTheClockStandsStill() {
        assertThat(putAtVersionTime("r")).isEqualTo(NOW);
        assertThat(putAtVersionTime("r")).isEqualTo(NOW + 1);
        assertThat(putAtVersionTime("r")).isEqualTo(NOW + 2);
        assertThat(putAtVersionTime("other")).isEqualTo(NOW); // rows have their own versions
        clock.advance(Duration.ofSeconds(1));
        assertThat(putAtVersionTime("r")).isEqualTo(NOW + 1000);
    }

    @Test
    void aVersionAheadOfTheClockPullsTheRowsNextVersionAboveIt() {
        long future = NOW + 60_000;
        engine.mutateRow(TABLE, bytes("r"), (current, versionMillis) -> RowDecider.Decision.of(
                new RowMutation().put("explicit", future, bytes("x")), null));
        assertThat(putAtVersionTime("r")).isEqualTo(future + 1);
    }

    @Test
    void aClockStepBackwardsNeverLowersVersionTimesEvenAfterTheRowWasDeleted() {
        assertThat(putAtVersionTime("r")).isEqualTo(NOW);
        engine.mutateRow(TABLE, bytes("r"), (current, versionMillis) -> RowDecider.Decision.of(
                new RowMutation().deleteRow(), null));
        clock.rewind(Duration.ofSeconds(30));
        assertThat(putAtVersionTime("r")).isEqualTo(NOW);
        assertThat(putAtVersionTime("fresh")).isEqualTo(NOW);
    }

    @Test
    void repeatedKeysOfABatchSeeTheEarlierEntrysVersion() {
        RowBatchEntry<Long> entry = new RowBatchEntry<>(bytes("r"), (current, versionMillis) ->
                RowDecider.Decision.of(new RowMutation().put("c", versionMillis, bytes("v")), versionMillis));
        List<RowBatchOutcome<Long>> outcomes = engine.mutateRows(TABLE, List.of(entry, entry, entry));
        assertThat(outcomes).extracting(o -> o.result().result()).containsExactly(NOW, NOW + 1, NOW + 2);
    }

    @Test
    void anEngineWithDeleteMarkersCountsThemAsVersions() {
        VersionClock versions = new VersionClock(ManualClock.startingAt(Instant.ofEpochMilli(1_000)));
        Optional<StoredRow> row = Optional.of(new StoredRow(bytes("r"), List.of(new StoredCell("c", 900, bytes("v")))));
        assertThat(versions.versionMillis(row)).isEqualTo(1_000);
        assertThat(versions.versionMillis(row, 5_000)).isEqualTo(5_001);
        assertThat(versions.versionMillis(Optional.empty())).isEqualTo(1_000);
        assertThat(VersionClock.newestVersion(row)).isEqualTo(900);
        assertThat(VersionClock.newestVersion(Optional.empty())).isEqualTo(Long.MIN_VALUE);
    }
}
