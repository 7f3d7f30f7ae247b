package io.tunnelstore.coordinator;

import static io.tunnelstore.protocol.tunnel.ChannelStatus.TERMINATED;
import static io.tunnelstore.coordinator.Fixtures.TIMEOUT;
import static io.tunnelstore.coordinator.Fixtures.beat;
import static io.tunnelstore.coordinator.Fixtures.channel;
import static io.tunnelstore.coordinator.Fixtures.connect;
import static io.tunnelstore.coordinator.Fixtures.open;
import static io.tunnelstore.coordinator.Fixtures.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.protocol.tunnel.ChannelStatus;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class SnapshotTest {

    private static TunnelCoordinator busyTunnel() {
        TunnelCoordinator c = TunnelCoordinator.createInitialized("t9", TunnelType.BASE_AND_STREAM, List.of(
                ChannelDefinition.base("BaseData_0", "b0"),
                ChannelDefinition.base("BaseData_1", "b1"),
                ChannelDefinition.stream("s", "s0", List.of())), ClientIdGenerator.sequential());
        String a = connect(c, 0, "a");
        String b = connect(c, 0, "b");
        beat(c, 0, a);
        beat(c, 0, b);
        c.checkpoint(100, a, "BaseData_0", "a-pos", 1);
        c.recordRead("BaseData_0", 50);
        beat(c, 200, b, report("BaseData_1", 2, TERMINATED));
        c.resetToToken(300, "s", "s-later", "trimmed");
        c.expire(400, "why not");
        return c;
    }

    @Test
    void restoreKeepsOwnershipAndCheckpointsAndGivesEveryClientAFreshGracePeriod() {
        TunnelCoordinator before = busyTunnel();
        TunnelSnapshot snapshot = TunnelSnapshotCodec.decode(TunnelSnapshotCodec.encode(before.snapshot()));

        TunnelCoordinator after = TunnelCoordinator.restore(snapshot, 1_000_000, ClientIdGenerator.sequential());

        assertThat(after.describe().channels()).isEqualTo(before.describe().channels());
        assertThat(after.describe().lossEvents()).isEqualTo(before.describe().lossEvents());
        assertThat(after.describe().expiry()).isEqualTo(new LifecycleMark(400, "why not"));
        assertThat(after.describe().clients()).extracting(TunnelDescription.ClientView::lastHeartbeatMillis)
                .containsExactly(1_000_000L, 1_000_000L);
        assertThat(after.snapshot().channels().get(0).state().checkpointToken()).isEqualTo("a-pos");
        assertThat(after.snapshot().channels()).isEqualTo(before.snapshot().channels());
        assertThat(after.isDirty()).isFalse();
        assertThat(after.nextDeadlineMillis()).hasValue(1_000_000 + TIMEOUT + 1);
    }

    @Test
    void restoredClientKeepsItsChannelsAndNewClientIdsDoNotCollide() {
        TunnelCoordinator c = Fixtures.baseTunnel(2);
        String a = connect(c, 0, "a");
        beat(c, 0, a);

        TunnelCoordinator r = TunnelCoordinator.restore(c.snapshot(), 500_000, ClientIdGenerator.sequential());

        assertThat(beat(r, 500_001, a)).containsExactly(open("BaseData_0", 1), open("BaseData_1", 1));
        assertThat(connect(r, 500_002, "a")).isEqualTo("a-1");
        r.tick(500_000 + TIMEOUT + 1); // only the grace period counts, not the pre-restart timestamps
        assertThat(channel(r, "BaseData_0").ownerClientId()).isEqualTo(a);
    }

    @Test
    void restoreRejectsChannelOwnedByUnknownClient() {
        TunnelCoordinator c = Fixtures.baseTunnel(1);
        String a = connect(c, 0, "a");
        beat(c, 0, a);
        TunnelSnapshot s = c.snapshot();
        TunnelSnapshot broken = new TunnelSnapshot(s.tunnelId(), s.type(), s.stage(), null, null,
                s.nextClientSerial(), s.changeCount(), s.channels(), List.of(), List.of());

        assertThatThrownBy(() -> TunnelCoordinator.restore(broken, 0, ClientIdGenerator.sequential()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown client");
    }

    @Test
    void durableChangesMakeTheCoordinatorDirtyButHeartbeatsAndReadsDoNot() {
        TunnelCoordinator c = Fixtures.baseTunnel(1);
        assertThat(c.isDirty()).isTrue();
        String a = connect(c, 0, "a");
        beat(c, 0, a);
        TunnelSnapshot saved = c.snapshot();
        c.commit();
        assertThat(c.isDirty()).isFalse();
        assertThat(c.pendingChanges()).isEmpty();

        beat(c, 1_000, a);
        c.recordRead("BaseData_0", 10);
        assertThat(c.isDirty()).isFalse();

        c.checkpoint(2_000, a, "BaseData_0", "p", 1);
        assertThat(c.isDirty()).isTrue();
        assertThat(c.changeCount()).isEqualTo(saved.changeCount() + 1);
        // a checkpoint is one channel record (with the consume point that rode along) and the header: O(1)
        ChannelState after = c.snapshot().channels().get(0).state();
        assertThat(after.rpoMillis()).isEqualTo(10);
        assertThat(c.pendingChanges()).containsExactly(
                new TunnelRecord.Channel(c.snapshot().channels().get(0).definition(), after),
                new TunnelRecord.Header(TunnelStage.PROCESS_BASE_DATA, null, null, saved.nextClientSerial(),
                        saved.changeCount() + 1));
    }

    @Test
    void rollbackRestoresExactlyTheLastCommittedState() {
        TunnelCoordinator c = Fixtures.baseTunnel(2);
        String a = connect(c, 0, "a");
        beat(c, 0, a);
        c.checkpoint(10, a, "BaseData_0", "p1", 1);
        c.commit();
        TunnelSnapshot committed = c.snapshot();
        TunnelDescription described = c.describe();

        // a heartbeat, a second client, a checkpoint, a shutdown and an expiry: all undone
        beat(c, 20, a);
        String b = connect(c, 30, "b");
        beat(c, 31, b);
        c.checkpoint(40, a, "BaseData_0", "p2", 2);
        c.recordRead("BaseData_1", 99);
        c.shutdown(50, a);
        c.expire(60, "test");
        assertThat(c.isDirty()).isTrue();
        c.rollback();

        assertThat(c.snapshot()).isEqualTo(committed);
        assertThat(c.describe()).isEqualTo(described);
        assertThat(c.isDirty()).isFalse();
        // and it carries on from there: the next client id is the one the rolled-back connect had taken
        assertThat(connect(c, 70, "b")).isEqualTo(b);
        assertThat(c.checkpoint(80, a, "BaseData_0", "p2", 2)).isEqualTo(new CheckpointResult.Accepted(2));
    }

    @Test
    void rollbackAlsoUndoesTheTransientBookkeeping() {
        TunnelCoordinator c = Fixtures.baseTunnel(1);
        String a = connect(c, 0, "a");
        beat(c, 0, a);
        c.checkpoint(10, a, "BaseData_0", "after-4", 1, 4);
        c.commit();

        // a final count, then a shutdown (heartbeat bookkeeping, late-checkpoint allowance): all rolled back
        assertThat(c.recordFinalCount("BaseData_0", 5)).isTrue();
        c.shutdown(20, a);
        c.rollback();

        // the final count is gone: "finished" keeps the checkpointed count instead of taking 5
        c.checkpoint(30, a, "BaseData_0", ChannelState.FINISHED_TOKEN, 2, TunnelCoordinator.UNKNOWN_COUNT);
        assertThat(channel(c, "BaseData_0").consumedCount()).isEqualTo(4);
    }

    @Test
    void storedRecordsReplayToTheSameState() {
        TunnelCoordinator before = busyTunnel();
        List<TunnelRecord> stored = TunnelRecords.of(before.snapshot()).stream()
                .map(r -> TunnelRecordCodec.decode(TunnelRecordCodec.encode(r))).toList();

        TunnelCoordinator after = TunnelCoordinator.replay(before.tunnelId(), before.type(), stored, 1_000_000,
                ClientIdGenerator.sequential());

        TunnelSnapshot expected = TunnelCoordinator.restore(before.snapshot(), 1_000_000,
                ClientIdGenerator.sequential()).snapshot();
        assertThat(after.snapshot()).isEqualTo(expected);
        assertThat(after.isDirty()).isFalse();
    }

    @Test
    void corruptBytesAreRejectedWithIllegalArgument() {
        byte[] good = TunnelSnapshotCodec.encode(busyTunnel().snapshot());

        assertThatThrownBy(() -> TunnelSnapshotCodec.decode(Arrays.copyOf(good, good.length - 3)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TunnelSnapshotCodec.decode(Arrays.copyOf(good, good.length + 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trailing");
        byte[] badMagic = good.clone();
        badMagic[0] = 0;
        assertThatThrownBy(() -> TunnelSnapshotCodec.decode(badMagic)).isInstanceOf(IllegalArgumentException.class);
        byte[] badVersion = good.clone();
        badVersion[4] = 9;
        assertThatThrownBy(() -> TunnelSnapshotCodec.decode(badVersion))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 9");
    }

    @Property(tries = 300)
    void encodeDecodeRoundTripsAnySnapshot(@ForAll("snapshots") TunnelSnapshot snapshot) {
        assertThat(TunnelSnapshotCodec.decode(TunnelSnapshotCodec.encode(snapshot))).isEqualTo(snapshot);
    }

    @Property(tries = 200)
    void decodingRandomGarbageNeverFailsWithAnythingButIllegalArgument(@ForAll byte[] garbage) {
        assertThatThrownBy(() -> TunnelSnapshotCodec.decode(garbage)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- generators ----

    private static Arbitrary<String> text() {
        return Arbitraries.strings().withCharRange('\u0000', '\uD7FF').ofMaxLength(12);
    }

    private static Arbitrary<String> id() {
        return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(6);
    }

    private static Arbitrary<LifecycleMark> mark() {
        return Combinators.combine(Arbitraries.longs(), text()).as(LifecycleMark::new).injectNull(0.5);
    }

    private static Arbitrary<ChannelDefinition> definition() {
        return Combinators.combine(id(), Arbitraries.of(ChannelKind.class), id().list().ofMaxSize(3), text())
                .filter((cid, kind, parents, token) -> !parents.contains(cid))
                .as((cid, kind, parents, token) ->
                        new ChannelDefinition(cid, kind, kind == ChannelKind.BASE_DATA ? List.of() : parents, token));
    }

    private static Arbitrary<ChannelState> state() {
        Arbitrary<Long> nonNegative = Arbitraries.longs().greaterOrEqual(0);
        return Combinators.combine(Arbitraries.of(ChannelStatus.class), nonNegative, id(), text(), nonNegative,
                nonNegative, Arbitraries.longs(), Arbitraries.longs())
                .as((status, version, owner, token, seq, count, cpAt, rpo) -> new ChannelState(status, version,
                        status.isOwned() ? owner : null, token, seq, count, cpAt, rpo));
    }

    private static Arbitrary<ClientSession> session() {
        return Combinators.combine(id(), text(), Arbitraries.longs().greaterOrEqual(1), Arbitraries.longs())
                .as(ClientSession::new);
    }

    private static Arbitrary<LossEvent> loss() {
        return Combinators.combine(id(), Arbitraries.longs(), text(), text(), text()).as(LossEvent::new);
    }

    @Provide
    Arbitrary<TunnelSnapshot> snapshots() {
        Arbitrary<TunnelSnapshot.ChannelEntry> entry =
                Combinators.combine(definition(), state()).as(TunnelSnapshot.ChannelEntry::new);
        return Builders.withBuilder(() -> new Object[10])
                .use(id()).in((a, v) -> { a[0] = v; return a; })
                .use(Arbitraries.of(TunnelType.class)).in((a, v) -> { a[1] = v; return a; })
                .use(Arbitraries.of(TunnelStage.class)).in((a, v) -> { a[2] = v; return a; })
                .use(mark()).in((a, v) -> { a[3] = v; return a; })
                .use(mark()).in((a, v) -> { a[4] = v; return a; })
                .use(Arbitraries.longs()).in((a, v) -> { a[5] = v; return a; })
                .use(Arbitraries.longs()).in((a, v) -> { a[6] = v; return a; })
                .use(entry.list().ofMaxSize(5)).in((a, v) -> { a[7] = v; return a; })
                .use(session().list().ofMaxSize(4)).in((a, v) -> { a[8] = v; return a; })
                .use(loss().list().ofMaxSize(3)).in((a, v) -> { a[9] = v; return a; })
                .build(SnapshotTest::toSnapshot);
    }

    @SuppressWarnings("unchecked")
    private static TunnelSnapshot toSnapshot(Object[] a) {
        return new TunnelSnapshot((String) a[0], (TunnelType) a[1], (TunnelStage) a[2], (LifecycleMark) a[3],
                (LifecycleMark) a[4], (Long) a[5], (Long) a[6], (List<TunnelSnapshot.ChannelEntry>) a[7],
                (List<ClientSession>) a[8], (List<LossEvent>) a[9]);
    }
}
