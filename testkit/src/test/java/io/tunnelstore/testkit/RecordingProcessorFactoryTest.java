package io.tunnelstore.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.testkit.RecordingProcessorFactory.ChannelEvent;
import io.tunnelstore.testkit.RecordingProcessorFactory.EventType;
import io.tunnelstore.tunnel.ChannelContext;
import io.tunnelstore.tunnel.ChannelProcessor;
import io.tunnelstore.tunnel.RecordColumn;
import io.tunnelstore.tunnel.SequenceInfo;
import io.tunnelstore.tunnel.StreamRecord;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The recorder on its own, fed directly (no server). */
class RecordingProcessorFactoryTest {

    private final AtomicInteger checkpoints = new AtomicInteger();

    private ChannelContext context(String channel, String client) {
        return new ChannelContext("t-1", client, channel, null, null, null, true, () -> {
            checkpoints.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        });
    }

    private static StreamRecord stream(long id, int rowIndex) {
        return new StreamRecord(StreamRecord.RecordType.PUT, Rows.key(id),
                Optional.of(new SequenceInfo(0, 1_000L, rowIndex)), List.of(), List.of());
    }

    private static StreamRecord base(long id, long value) {
        return new StreamRecord(StreamRecord.RecordType.PUT, Rows.key(id), Optional.empty(),
                List.of(new RecordColumn("v", RecordColumn.ColumnOperation.PUT, ColumnValue.ofLong(value), 1L)), List.of());
    }

    @Test
    void recordsPerChannelAndFindsRedeliveredChanges() throws Exception {
        RecordingProcessorFactory recorder = RecordingProcessorFactory.create();
        ChannelProcessor a = recorder.create(context("Stream_1", "c1"));
        ChannelProcessor b = recorder.create(context("Stream_1", "c2"));
        a.onStart(context("Stream_1", "c1"));
        a.process(context("Stream_1", "c1"), List.of(stream(1, 1), stream(2, 2)));
        a.onLost(context("Stream_1", "c1"));
        b.process(context("Stream_1", "c2"), List.of(stream(2, 2), stream(2, 3))); // row 2 again, then a new change

        assertThat(Rows.ids(recorder.records())).containsExactly(1L, 2L, 2L, 2L);
        assertThat(recorder.duplicates()).containsExactly(new Delivery("Stream_1", "c2", stream(2, 2)));
        assertThat(recorder.recordsByKey().get(Rows.key(2))).hasSize(3);
        assertThat(recorder.deliveriesByChannel()).containsOnlyKeys("Stream_1");
        assertThat(recorder.events()).containsExactly(new ChannelEvent(EventType.STARTED, "Stream_1", "c1"),
                new ChannelEvent(EventType.LOST, "Stream_1", "c1"));
        assertThat(checkpoints).hasValue(0);
    }

    @Test
    void baseRowsAreTheSameChangeWhenKeyAndColumnsMatch() throws Exception {
        RecordingProcessorFactory recorder = RecordingProcessorFactory.create();
        ChannelProcessor p = recorder.create(context("BaseData_1", "c1"));
        p.process(context("BaseData_1", "c1"), List.of(base(1, 10), base(1, 11), base(1, 10)));
        assertThat(recorder.duplicates()).extracting(Delivery::record).containsExactly(base(1, 10));
    }

    @Test
    void checkpointingRecorderCommitsAfterEveryBatch() throws Exception {
        RecordingProcessorFactory recorder = RecordingProcessorFactory.checkpointingEveryBatch();
        ChannelProcessor p = recorder.create(context("Stream_1", "c1"));
        p.process(context("Stream_1", "c1"), List.of(stream(1, 1)));
        p.process(context("Stream_1", "c1"), List.of(stream(2, 2)));
        assertThat(checkpoints).hasValue(2);
    }

    @Test
    void awaitRecordsReturnsOnceEnoughArrivedAndFailsWithWhatDidOtherwise() throws Exception {
        RecordingProcessorFactory recorder = RecordingProcessorFactory.create();
        ChannelProcessor p = recorder.create(context("Stream_1", "c1"));
        Thread producer = new Thread(() -> {
            try {
                p.process(context("Stream_1", "c1"), List.of(stream(1, 1), stream(2, 2)));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        producer.start();
        assertThat(Rows.ids(recorder.awaitRecords(2, Duration.ofSeconds(10)))).containsExactly(1L, 2L);
        producer.join();

        assertThatThrownBy(() -> recorder.awaitRecords(3, Duration.ofMillis(50)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("waiting for 3 records; received 2");
        recorder.clear();
        assertThat(recorder.deliveries()).isEmpty();
    }

    @Test
    void awaitUntilFailsWithTheDescriptionAfterTheTimeout() {
        AtomicInteger polls = new AtomicInteger();
        Await.until(() -> polls.incrementAndGet() >= 3, Duration.ofSeconds(5));
        assertThat(polls).hasValue(3);
        assertThatThrownBy(() -> Await.until(() -> false, Duration.ofMillis(30), () -> "the moon"))
                .isInstanceOf(AssertionError.class).hasMessage("Timed out after PT0.03S waiting for the moon");
    }
}
