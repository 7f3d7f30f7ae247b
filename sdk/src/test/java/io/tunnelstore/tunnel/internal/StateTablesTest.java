package io.tunnelstore.tunnel.internal;

import static io.tunnelstore.tunnel.internal.ChannelRunnerState.DRAINING_TO_RELEASE;
import static io.tunnelstore.tunnel.internal.ChannelRunnerState.DRAINING_TO_SHUTDOWN;
import static io.tunnelstore.tunnel.internal.ChannelRunnerState.FINISHED;
import static io.tunnelstore.tunnel.internal.ChannelRunnerState.FINISHING;
import static io.tunnelstore.tunnel.internal.ChannelRunnerState.LOST;
import static io.tunnelstore.tunnel.internal.ChannelRunnerState.RELEASED;
import static io.tunnelstore.tunnel.internal.ChannelRunnerState.RELEASING;
import static io.tunnelstore.tunnel.internal.ChannelRunnerState.RUNNING;
import static io.tunnelstore.tunnel.internal.ChannelRunnerState.SHUT_DOWN;
import static io.tunnelstore.tunnel.internal.ChannelRunnerState.SHUTTING_DOWN;
import static io.tunnelstore.tunnel.internal.ChannelRunnerState.STARTING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.protocol.tunnel.ChannelStatus;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every (state, target) pair of both state machines against the documented tables. */
class StateTablesTest {
    private static final Map<ChannelRunnerState, Set<ChannelRunnerState>> RUNNER = Map.ofEntries(
            Map.entry(STARTING, EnumSet.of(RUNNING, DRAINING_TO_RELEASE, DRAINING_TO_SHUTDOWN, FINISHED, RELEASED,
                    LOST, SHUT_DOWN)),
            Map.entry(RUNNING, EnumSet.of(DRAINING_TO_RELEASE, DRAINING_TO_SHUTDOWN, FINISHING, LOST, SHUT_DOWN,
                    RELEASED)),
            Map.entry(DRAINING_TO_RELEASE, EnumSet.of(RELEASING, FINISHING, RELEASED, LOST, SHUT_DOWN)),
            Map.entry(DRAINING_TO_SHUTDOWN, EnumSet.of(SHUTTING_DOWN, FINISHING, SHUT_DOWN, RELEASED, LOST)),
            Map.entry(RELEASING, EnumSet.of(RELEASED, LOST, SHUT_DOWN)),
            Map.entry(SHUTTING_DOWN, EnumSet.of(SHUT_DOWN, RELEASED, LOST)),
            Map.entry(FINISHING, EnumSet.of(FINISHED, RELEASED, LOST, SHUT_DOWN)),
            Map.entry(RELEASED, EnumSet.noneOf(ChannelRunnerState.class)),
            Map.entry(FINISHED, EnumSet.noneOf(ChannelRunnerState.class)),
            Map.entry(LOST, EnumSet.noneOf(ChannelRunnerState.class)),
            Map.entry(SHUT_DOWN, EnumSet.noneOf(ChannelRunnerState.class)));

    static Stream<Arguments> runnerPairs() {
        return Stream.of(ChannelRunnerState.values()).flatMap(from -> Stream.of(ChannelRunnerState.values())
                .map(to -> Arguments.of(from, to)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("runnerPairs")
    void channelRunnerTransitionsFollowTheTable(ChannelRunnerState from, ChannelRunnerState to) {
        assertThat(from.canTransitionTo(to)).isEqualTo(RUNNER.get(from).contains(to));
        assertThat(from.isTerminal()).isEqualTo(RUNNER.get(from).isEmpty());
        if (RUNNER.get(from).contains(to)) {
            assertThat(from.requireTransitionTo(to)).isSameAs(to);
        } else {  // illegal transitions are rejected, naming both ends
            assertThatThrownBy(() -> from.requireTransitionTo(to)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("Invalid channel transition " + from + " -> " + to);
        }
        assertThat(from.isDraining()).isEqualTo(from == DRAINING_TO_RELEASE || from == DRAINING_TO_SHUTDOWN);
    }

    static Stream<Arguments> workerPairs() {
        return Stream.of(WorkerState.values()).flatMap(from -> Stream.of(WorkerState.values())
                .map(to -> Arguments.of(from, to)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("workerPairs")
    void workerTransitionsFollowTheTable(WorkerState from, WorkerState to) {
        Map<WorkerState, List<WorkerState>> table = Map.of(
                WorkerState.NEW, List.of(WorkerState.CONNECTING, WorkerState.STOPPED),
                WorkerState.CONNECTING, List.of(WorkerState.RUNNING, WorkerState.STOPPING),
                WorkerState.RUNNING, List.of(WorkerState.CONNECTING, WorkerState.STOPPING),
                WorkerState.STOPPING, List.of(WorkerState.STOPPED, WorkerState.FAILED),
                WorkerState.STOPPED, List.of(),
                WorkerState.FAILED, List.of());
        assertThat(from.canTransitionTo(to)).isEqualTo(table.get(from).contains(to));
    }

    @Test
    void mergeKeepsStrictlyNewerLocalEntriesAndOnlyChannelsTheServerListed() {
        Map<String, ChannelState> local = Map.of(
                "a", new ChannelState("a", 3, ChannelStatus.CLOSE),      // newer local report wins
                "b", new ChannelState("b", 2, ChannelStatus.OPEN),       // tie: server wins
                "c", new ChannelState("c", 1, ChannelStatus.OPEN),       // older local loses
                "gone", new ChannelState("gone", 9, ChannelStatus.OPEN)); // not listed: dropped
        List<ChannelState> server = List.of(
                new ChannelState("a", 2, ChannelStatus.OPEN),
                new ChannelState("b", 2, ChannelStatus.CLOSING),
                new ChannelState("c", 4, ChannelStatus.CLOSING),
                new ChannelState("new", 0, ChannelStatus.OPEN));
        assertThat(ChannelMerge.merge(local, server).values()).containsExactly(
                new ChannelState("a", 3, ChannelStatus.CLOSE),
                new ChannelState("b", 2, ChannelStatus.CLOSING),
                new ChannelState("c", 4, ChannelStatus.CLOSING),
                new ChannelState("new", 0, ChannelStatus.OPEN));
    }

    @Test
    void bumpIncrementsTheVersionByOne() {
        assertThat(new ChannelState("a", 7, ChannelStatus.CLOSING).bump(ChannelStatus.CLOSE))
                .isEqualTo(new ChannelState("a", 8, ChannelStatus.CLOSE));
    }
}
