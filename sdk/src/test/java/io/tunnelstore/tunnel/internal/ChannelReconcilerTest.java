package io.tunnelstore.tunnel.internal;

import static io.tunnelstore.tunnel.internal.ChannelReconciler.RunnerPhase.ENDED;
import static io.tunnelstore.tunnel.internal.ChannelReconciler.RunnerPhase.FINISHED;
import static io.tunnelstore.tunnel.internal.ChannelReconciler.RunnerPhase.LIVE;
import static io.tunnelstore.tunnel.internal.ChannelReconciler.RunnerPhase.NONE;
import static io.tunnelstore.tunnel.internal.ChannelReconciler.RunnerPhase.RELEASED;
import static io.tunnelstore.protocol.tunnel.ChannelStatus.CLOSE;
import static io.tunnelstore.protocol.tunnel.ChannelStatus.CLOSING;
import static io.tunnelstore.protocol.tunnel.ChannelStatus.OPEN;
import static io.tunnelstore.protocol.tunnel.ChannelStatus.TERMINATED;
import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.protocol.tunnel.ChannelStatus;
import io.tunnelstore.tunnel.internal.ChannelReconciler.Action;
import io.tunnelstore.tunnel.internal.ChannelReconciler.Entry;
import io.tunnelstore.tunnel.internal.ChannelReconciler.ForceRelease;
import io.tunnelstore.tunnel.internal.ChannelReconciler.Forget;
import io.tunnelstore.tunnel.internal.ChannelReconciler.Local;
import io.tunnelstore.tunnel.internal.ChannelReconciler.Outcome;
import io.tunnelstore.tunnel.internal.ChannelReconciler.Release;
import io.tunnelstore.tunnel.internal.ChannelReconciler.Revoke;
import io.tunnelstore.tunnel.internal.ChannelReconciler.RunnerPhase;
import io.tunnelstore.tunnel.internal.ChannelReconciler.Start;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The reconciliation as a pure function: one channel's local view + the server's entry → new entry + actions. */
class ChannelReconcilerTest {
    private static final int DETECT = 3;

    private static ChannelState st(long v, ChannelStatus s) {
        return new ChannelState("c", v, s);
    }

    /** A channel this worker does not know yet. */
    private static Local unknown() {
        return null;
    }

    private static Local local(ChannelState reported, RunnerPhase runner, long own, int rounds) {
        return new Local(reported, runner, own, rounds);
    }

    private static Arguments row(String rule, Local local, ChannelState server, boolean accepting,
            Entry expected, Action... actions) {
        return Arguments.of(rule, local, server, accepting, expected, List.of(actions));
    }

    static Stream<Arguments> rules() {
        Start start = new Start("c");
        Release release = new Release("c");
        return Stream.of(
                row("new OPEN starts a runner", unknown(), st(1, OPEN), true,
                        new Entry(st(1, OPEN), -1, 0), start),
                row("new OPEN while stopping is handed back", unknown(), st(1, OPEN), false,
                        new Entry(st(2, CLOSE), 2, 0)),
                row("OPEN with a live runner: nothing to do", local(st(1, OPEN), LIVE, -1, 0), st(1, OPEN), true,
                        new Entry(st(1, OPEN), -1, 0)),
                row("OPEN after the runner finished: TERMINATED v+1", local(st(2, TERMINATED), FINISHED, 2, 0),
                        st(2, OPEN), true, new Entry(st(3, TERMINATED), 3, 0)),
                row("OPEN echoed at our CLOSE version: CLOSE again, higher", local(st(2, CLOSE), RELEASED, 2, 0),
                        st(2, OPEN), true, new Entry(st(3, CLOSE), 3, 0)),
                row("OPEN above our CLOSE version is a new assignment", local(st(2, CLOSE), RELEASED, 2, 0),
                        st(4, OPEN), true, new Entry(st(4, OPEN), -1, 0), start),
                row("OPEN after the runner was lost restarts it", local(st(3, OPEN), ENDED, -1, 0), st(3, OPEN),
                        true, new Entry(st(3, OPEN), -1, 0), start),
                row("OPEN resets the CLOSING count", local(st(2, CLOSING), LIVE, -1, 2), st(3, OPEN), true,
                        new Entry(st(3, OPEN), -1, 0)),
                row("new CLOSING is handed back without starting", unknown(), st(0, CLOSING), true,
                        new Entry(st(1, CLOSE), 1, 0)),
                row("CLOSING with a live runner: release", local(st(1, OPEN), LIVE, -1, 0), st(1, CLOSING), true,
                        new Entry(st(1, CLOSING), -1, 1), release),
                row("CLOSING for the third round: release and force", local(st(1, CLOSING), LIVE, -1, 2),
                        st(1, CLOSING), true, new Entry(st(1, CLOSING), -1, 3), release, new ForceRelease("c")),
                row("CLOSING after the runner finished: TERMINATED v+1", local(st(2, TERMINATED), FINISHED, 2, 0),
                        st(2, CLOSING), true, new Entry(st(3, TERMINATED), 3, 0)),
                row("CLOSE for a live runner revokes it", local(st(1, OPEN), LIVE, -1, 0), st(2, CLOSE), true,
                        new Entry(st(2, CLOSE), -1, 0), new Revoke("c")),
                row("TERMINATED for a live runner revokes it", local(st(1, OPEN), LIVE, -1, 0), st(2, TERMINATED),
                        true, new Entry(st(2, TERMINATED), -1, 0), new Revoke("c")),
                row("new CLOSE is kept as is", unknown(), st(0, CLOSE), true, new Entry(st(0, CLOSE), -1, 0)),
                row("a stale lower server version loses to our newer report", local(st(3, CLOSE), RELEASED, 3, 0),
                        st(2, OPEN), true, new Entry(st(3, CLOSE), 3, 0)),
                row("a stale CLOSING loses to the newer OPEN we hold", local(st(1, OPEN), LIVE, -1, 0),
                        st(0, CLOSING), true, new Entry(st(1, OPEN), -1, 0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void eachRuleGivesTheDocumentedEntryAndActions(String rule, Local local, ChannelState server,
            boolean accepting, Entry expected, List<Action> actions) {
        Map<String, Local> table = new LinkedHashMap<>();
        if (local != null) {
            table.put("c", local);
        }
        Outcome out = ChannelReconciler.reconcile(table, List.of(server), accepting, DETECT);
        assertThat(out.channels()).containsExactly(Map.entry("c", expected));
        assertThat(out.actions()).containsExactlyElementsOf(actions);
    }

    @Test
    void closingDetectionOffNeverForces() {
        Outcome out = ChannelReconciler.reconcile(Map.of("c", local(st(1, CLOSING), LIVE, -1, 9)),
                List.of(st(1, CLOSING)), true, 0);
        assertThat(out.actions()).containsExactly(new Release("c"));
        assertThat(out.channels().get("c").closingRounds()).isEqualTo(10);
    }

    @Test
    void unlistedChannelsAreForgottenFirstAndTheTableFollowsTheServersOrder() {
        Map<String, Local> table = new LinkedHashMap<>();
        table.put("gone-live", new Local(new ChannelState("gone-live", 1, OPEN), LIVE, -1, 0));
        table.put("gone-idle", new Local(new ChannelState("gone-idle", 1, CLOSE), NONE, 1, 0));
        table.put("b", new Local(new ChannelState("b", 1, OPEN), LIVE, -1, 0));
        Outcome out = ChannelReconciler.reconcile(table, List.of(new ChannelState("a", 0, OPEN),
                new ChannelState("b", 1, OPEN)), true, DETECT);
        assertThat(out.channels().keySet()).containsExactly("a", "b");
        assertThat(out.actions()).containsExactly(new Forget("gone-live"), new Start("a"));
    }

    @Test
    void theInputIsNotModified() {
        Map<String, Local> table = Map.of("c", local(st(1, OPEN), LIVE, -1, 0));
        ChannelReconciler.reconcile(table, List.of(st(2, CLOSE)), true, DETECT);
        assertThat(table).containsExactly(Map.entry("c", local(st(1, OPEN), LIVE, -1, 0)));
    }
}
