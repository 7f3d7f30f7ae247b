package io.tunnelstore.server.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.coordinator.ChannelDefinition;
import io.tunnelstore.coordinator.ClientIdGenerator;
import io.tunnelstore.coordinator.ConnectResult;
import io.tunnelstore.coordinator.TunnelCoordinator;
import io.tunnelstore.coordinator.TunnelRecord;
import io.tunnelstore.coordinator.TunnelSnapshot;
import io.tunnelstore.coordinator.TunnelType;
import io.tunnelstore.storage.StorageException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link TunnelRuntime}'s commit, then apply: what is written, and what a failed write leaves behind. */
class TunnelRuntimeTest {

    private static final TunnelDefinition DEFINITION = new TunnelDefinition("tid", "inst", "orders", 7, "sync",
            TunnelType.STREAM, TunnelDefinition.StreamRange.LATEST, "stream-1", 1234, List.of(),
            List.of(new TunnelDefinition.StreamChannelSpec("Stream_1", 1)));

    /** A persistence that records every write and fails while {@link #failing} is set. */
    private static final class Writes implements TunnelRuntime.Persistence {
        final List<TunnelDefinition> definitions = new ArrayList<>();
        final List<List<TunnelRecord>> batches = new ArrayList<>();
        boolean failing;

        @Override
        public void persist(TunnelDefinition definition, boolean withDefinition, List<TunnelRecord> changes) {
            if (failing) {
                throw new StorageException("disk full");
            }
            definitions.add(withDefinition ? definition : null);
            batches.add(changes);
        }
    }

    private static TunnelCoordinator coordinator() {
        TunnelCoordinator c = TunnelCoordinator.createInitialized("tid", TunnelType.STREAM,
                List.of(ChannelDefinition.stream("Stream_1", "s1-start", List.of())), ClientIdGenerator.sequential());
        c.commit(); // as TunnelRegistry.add leaves it
        return c;
    }

    private static <T> T join(java.util.concurrent.CompletionStage<T> stage) {
        return InProcessTunnels.join(stage);
    }

    @Test
    void aChangeIsWrittenBeforeItIsAnsweredAndAFailedWriteUndoesIt() {
        Writes writes = new Writes();
        TunnelRuntime rt = new TunnelRuntime(DEFINITION, coordinator(), Runnable::run, writes);
        TunnelSnapshot before = join(rt.call(TunnelCoordinator::snapshot));
        assertThat(writes.batches).isEmpty(); // reading writes nothing

        writes.failing = true;
        assertThatThrownBy(() -> join(rt.call(c -> c.connect(0, 60_000, "a"))))
                .isInstanceOf(StorageException.class).hasMessage("disk full");
        assertThat(join(rt.call(TunnelCoordinator::snapshot))).isEqualTo(before);

        writes.failing = false;
        ConnectResult connected = join(rt.call(c -> c.connect(0, 60_000, "a")));
        assertThat(connected).isEqualTo(new ConnectResult.Connected("a-0"));
        assertThat(writes.definitions).containsExactly((TunnelDefinition) null);
        assertThat(writes.batches).singleElement().satisfies(b -> assertThat(b).extracting(TunnelRecord::key)
                .containsExactly("h", "s/a-0"));
    }

    @Test
    void anOpThatThrowsHalfwayLeavesNothingBehind() {
        Writes writes = new Writes();
        TunnelRuntime rt = new TunnelRuntime(DEFINITION, coordinator(), Runnable::run, writes);
        TunnelSnapshot before = join(rt.call(TunnelCoordinator::snapshot));

        assertThatThrownBy(() -> join(rt.call(c -> {
            c.connect(0, 60_000, "a");
            throw new IllegalStateException("bug after a change");
        }))).isInstanceOf(IllegalStateException.class);

        assertThat(join(rt.call(TunnelCoordinator::snapshot))).isEqualTo(before);
        assertThat(writes.batches).isEmpty();
    }

    @Test
    void newStreamChannelsAndTheNewDefinitionAreWrittenTogetherAndInstalledOnlyAfterTheWrite() {
        Writes writes = new Writes();
        TunnelRuntime rt = new TunnelRuntime(DEFINITION, coordinator(), Runnable::run, writes);
        List<SplitChildChannels.NewStreamChannel> children = List.of(new SplitChildChannels.NewStreamChannel(
                new TunnelDefinition.StreamChannelSpec("Stream_2", 2),
                ChannelDefinition.stream("Stream_2", "s2-start", List.of("Stream_1"))));

        writes.failing = true;
        assertThatThrownBy(() -> join(rt.addStreamChannels(d -> children))).isInstanceOf(StorageException.class);
        assertThat(rt.definition()).isEqualTo(DEFINITION);
        assertThat(join(rt.call(TunnelCoordinator::snapshot)).channels()).hasSize(1);

        writes.failing = false;
        assertThat(join(rt.addStreamChannels(d -> children))).isEqualTo(1);
        assertThat(rt.definition().streamChannels()).extracting(TunnelDefinition.StreamChannelSpec::channelId)
                .containsExactly("Stream_1", "Stream_2");
        assertThat(writes.definitions).containsExactly(rt.definition());
        assertThat(writes.batches).singleElement().satisfies(b -> assertThat(b).extracting(TunnelRecord::key)
                .containsExactly("c/Stream_2", "h"));
    }
}
