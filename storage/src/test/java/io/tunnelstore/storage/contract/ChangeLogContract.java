package io.tunnelstore.storage.contract;

import static io.tunnelstore.storage.contract.TestRows.applyLogged;
import static io.tunnelstore.storage.contract.TestRows.bytes;
import static io.tunnelstore.storage.contract.TestRows.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.storage.LogBounds;
import io.tunnelstore.storage.LogRecord;
import io.tunnelstore.storage.MetaBatch;
import io.tunnelstore.storage.MutationResult;
import io.tunnelstore.storage.ReadSpec;
import io.tunnelstore.storage.RowDecider;
import io.tunnelstore.storage.RowMutation;
import io.tunnelstore.storage.ScanRange;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The change log: sequences per shard, readLog limits, bounds, trimming by commit time, listeners, drop. */
public abstract class ChangeLogContract extends EngineContractBase {
    private static final long TABLE = 3;

    private MutationResult<Void> append(long shard, String row, String payload) {
        return applyLogged(engine, TABLE, bytes(row), new RowMutation().put("c", 1, bytes(payload)), shard,
                bytes(payload));
    }

    private static List<String> describe(List<LogRecord> records) {
        return records.stream()
                .map(r -> r.shardId() + "#" + r.sequence() + "@" + r.commitTimeMicros() + "=" + text(r.payload()))
                .toList();
    }

    @Test
    void sequencesStartAtOneAndCountPerShard() {
        long t0 = clock.micros();
        assertThat(append(0, "a", "p1").sequence()).isEqualTo(1);
        clock.advance(Duration.ofNanos(7_000));
        assertThat(append(1, "b", "q1").sequence()).isEqualTo(1);
        assertThat(append(0, "c", "p2").sequence()).isEqualTo(2);
        assertThat(append(0, "a", "p3").sequence()).isEqualTo(3);

        assertThat(describe(engine.readLog(TABLE, 0, 1, 100, Long.MAX_VALUE)))
                .containsExactly("0#1@" + t0 + "=p1", "0#2@" + (t0 + 7) + "=p2", "0#3@" + (t0 + 7) + "=p3");
        assertThat(describe(engine.readLog(TABLE, 1, 0, 100, Long.MAX_VALUE))).containsExactly("1#1@" + (t0 + 7) + "=q1");
        assertThat(engine.readLog(TABLE, 2, 1, 100, Long.MAX_VALUE)).isEmpty();
        assertThat(engine.readLog(TABLE + 1, 0, 1, 100, Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void mutationResultCarriesSequenceAndCommitTime() {
        clock.advance(Duration.ofSeconds(1));
        MutationResult<Void> result = append(5, "a", "x");
        assertThat(result.sequence()).isEqualTo(1);
        assertThat(result.commitTimeMicros()).isEqualTo(clock.micros());
        assertThat(engine.readLog(TABLE, 5, 1, 1, 1).get(0).commitTimeMicros()).isEqualTo(clock.micros());
    }

    @Test
    void readLogHonoursFromSeqMaxRecordsAndMaxBytes() {
        for (int i = 1; i <= 5; i++) {
            append(0, "r" + i, "payload-" + i); // 9 bytes each
        }
        assertThat(engine.readLog(TABLE, 0, 3, 100, Long.MAX_VALUE)).extracting(LogRecord::sequence)
                .containsExactly(3L, 4L, 5L);
        assertThat(engine.readLog(TABLE, 0, 1, 2, Long.MAX_VALUE)).extracting(LogRecord::sequence)
                .containsExactly(1L, 2L);
        // stops once the payload bytes reached maxBytes: 9 < 10, 18 >= 10
        assertThat(engine.readLog(TABLE, 0, 1, 100, 10)).extracting(LogRecord::sequence).containsExactly(1L, 2L);
        assertThat(engine.readLog(TABLE, 0, 1, 100, 9)).extracting(LogRecord::sequence).containsExactly(1L);
        // at least one record even when it alone exceeds maxBytes
        assertThat(engine.readLog(TABLE, 0, 4, 100, 1)).extracting(LogRecord::sequence).containsExactly(4L);
        assertThat(engine.readLog(TABLE, 0, 6, 100, Long.MAX_VALUE)).isEmpty();
        assertThatThrownBy(() -> engine.readLog(TABLE, 0, 1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void logBoundsFollowAppendsAndTrims() {
        assertThat(engine.logBounds(TABLE, 0)).isEqualTo(new LogBounds(0, 0));
        assertThat(engine.logBounds(TABLE, 0).isEmpty()).isTrue();
        append(0, "a", "1");
        append(0, "a", "2");
        append(1, "a", "3");
        assertThat(engine.logBounds(TABLE, 0)).isEqualTo(new LogBounds(1, 2));
        assertThat(engine.logBounds(TABLE, 1)).isEqualTo(new LogBounds(1, 1));
    }

    @Test
    void trimDeletesRecordsCommittedBeforeTheGivenTime() {
        long t0 = clock.micros();
        append(0, "a", "1");
        clock.advance(Duration.ofNanos(10_000));
        append(0, "b", "2");
        append(1, "b", "other shard");
        clock.advance(Duration.ofNanos(10_000));
        append(0, "c", "3");

        assertThat(engine.trimLog(TABLE, 0, t0)).isZero();
        assertThat(engine.trimmedThrough(TABLE, 0)).isZero();
        assertThat(engine.trimLog(TABLE, 0, t0 + 11)).isEqualTo(2);
        assertThat(engine.trimmedThrough(TABLE, 0)).isEqualTo(2);
        assertThat(engine.trimmedThrough(TABLE, 1)).isZero();
        assertThat(engine.logBounds(TABLE, 0)).isEqualTo(new LogBounds(3, 3));
        assertThat(engine.readLog(TABLE, 0, 0, 10, Long.MAX_VALUE)).extracting(LogRecord::sequence).containsExactly(3L);
        assertThat(engine.logBounds(TABLE, 1)).isEqualTo(new LogBounds(1, 1));
        // trimming deletes log records only, never rows
        assertThat(engine.readRow(TABLE, bytes("a"), ReadSpec.latest())).isPresent();
    }

    @Test
    void sequencesKeepGrowingAfterEverythingWasTrimmedAndAfterReopen() {
        append(0, "a", "1");
        append(0, "a", "2");
        clock.advance(Duration.ofSeconds(1));
        assertThat(engine.trimLog(TABLE, 0, clock.micros())).isEqualTo(2);
        assertThat(engine.logBounds(TABLE, 0)).isEqualTo(new LogBounds(0, 0));
        assertThat(engine.trimmedThrough(TABLE, 0)).as("an empty shard still knows what was trimmed").isEqualTo(2);

        reopen();
        assertThat(engine.trimmedThrough(TABLE, 0)).isEqualTo(2);
        assertThat(append(0, "a", "3").sequence()).isEqualTo(3);
        assertThat(engine.logBounds(TABLE, 0)).isEqualTo(new LogBounds(3, 3));
    }

    @Test
    void commitTimesNeverGoBackwardsWhenTheClockDoes() {
        clock.advance(Duration.ofSeconds(10));
        long later = append(0, "a", "1").commitTimeMicros();
        clock.rewind(Duration.ofSeconds(5));
        assertThat(append(0, "a", "2").commitTimeMicros()).isEqualTo(later);
    }

    @Test
    void decisionWithOnlyALogRecordWritesTheRecord() {
        MutationResult<String> result = engine.mutateRow(TABLE, bytes("r"),
                (current, versionMillis) -> new RowDecider.Decision<>(new RowMutation(), 4, bytes("marker"), "done"));
        assertThat(result.sequence()).isEqualTo(1);
        assertThat(result.result()).isEqualTo("done");
        assertThat(engine.readRow(TABLE, bytes("r"), ReadSpec.latest())).isEmpty();
        assertThat(describe(engine.readLog(TABLE, 4, 1, 10, 100)))
                .containsExactly("4#1@" + clock.micros() + "=marker");
    }

    @Test
    void listenersAreToldAfterTheRecordIsReadable() {
        List<String> heard = new CopyOnWriteArrayList<>();
        engine.addLogListener((table, shard, sequence) -> {
            List<LogRecord> visible = engine.readLog(table, shard, sequence, 1, Long.MAX_VALUE);
            heard.add(table + "/" + shard + "/" + sequence + " visible=" + !visible.isEmpty());
        });
        engine.addLogListener((table, shard, sequence) -> {
            throw new IllegalStateException("a broken listener must not break commits");
        });
        append(0, "a", "1");
        append(2, "b", "2");
        TestRows.apply(engine, TABLE, bytes("c"), new RowMutation().put("c", 1, bytes("no log")));
        assertThat(heard).containsExactly(TABLE + "/0/1 visible=true", TABLE + "/2/1 visible=true");
    }

    @Test
    void dropTableRemovesRowsAndLogButNotOtherTables() {
        append(0, "a", "1");
        append(1, "b", "2");
        applyLogged(engine, TABLE + 1, bytes("a"), new RowMutation().put("c", 1, bytes("x")), 0, bytes("keep"));

        engine.dropTable(TABLE);

        assertThat(TestRows.drain(engine.scan(TABLE, ScanRange.all(), ReadSpec.allVersions()))).isEmpty();
        assertThat(engine.logBounds(TABLE, 0)).isEqualTo(new LogBounds(0, 0));
        assertThat(engine.logBounds(TABLE, 1)).isEqualTo(new LogBounds(0, 0));
        assertThat(engine.readRow(TABLE + 1, bytes("a"), ReadSpec.latest())).isPresent();
        assertThat(engine.logBounds(TABLE + 1, 0)).isEqualTo(new LogBounds(1, 1));
        // a table created again under the same id starts a fresh log
        assertThat(append(0, "a", "again").sequence()).isEqualTo(1);
    }

    @Test
    void dropTableWithAllOnesIdRemovesItsKeys() {
        applyLogged(engine, -1, bytes(0xFF, 0xFF), new RowMutation().put("c", 1, bytes("x")), -1, bytes("rec"));
        applyLogged(engine, -2, bytes(0xFF), new RowMutation().put("c", 1, bytes("y")), 0, bytes("keep"));
        engine.dropTable(-1);
        assertThat(TestRows.drain(engine.scan(-1, ScanRange.all(), ReadSpec.allVersions()))).isEmpty();
        assertThat(engine.logBounds(-1, -1)).isEqualTo(new LogBounds(0, 0));
        assertThat(engine.readRow(-2, bytes(0xFF), ReadSpec.latest())).isPresent();
        assertThat(engine.logBounds(-2, 0)).isEqualTo(new LogBounds(1, 1));
    }

    @Test
    void listenerThatWritesIsRefusedInsteadOfDeadlocking() {
        List<Throwable> refused = new CopyOnWriteArrayList<>();
        engine.addLogListener((table, shard, sequence) -> {
            try {
                engine.writeMeta(new MetaBatch().put("from-listener", bytes("x")));
            } catch (IllegalStateException e) {
                refused.add(e);
            }
            try { // the row is locked by the caller waiting for this very commit
                TestRows.apply(engine, TABLE, bytes("a"), new RowMutation().put("c", 9, bytes("x")));
            } catch (IllegalStateException e) {
                refused.add(e);
            }
        });
        append(0, "a", "1");
        assertThat(refused).extracting(Throwable::getMessage).containsExactly(
                "a LogListener must not write to the storage engine",
                "a LogListener must not write to the storage engine");
        assertThat(engine.getMeta("from-listener")).isEmpty();
    }
}
