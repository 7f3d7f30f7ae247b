package io.tunnelstore.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.protocol.tunnel.ChannelStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ChannelAssignorTest {

    private static List<ChannelAssignor.Holding> held(String owner, String... ids) {
        List<ChannelAssignor.Holding> list = new ArrayList<>();
        for (String id : ids) {
            list.add(new ChannelAssignor.Holding(id, owner, owner == null ? ChannelStatus.WAIT : ChannelStatus.OPEN));
        }
        return list;
    }

    private static List<ChannelAssignor.Holding> all(List<List<ChannelAssignor.Holding>> parts) {
        return parts.stream().flatMap(List::stream).toList();
    }

    @Test
    void imbalanceOfOneIsLeftAlone() {
        ChannelAssignor.Plan plan = ChannelAssignor.plan(Set.of("a", "b"), Set.of("a", "b"),
                all(List.of(held("a", "c1", "c2", "c3"), held("b", "c4", "c5"))), Map.of(), null);

        assertThat(plan.isEmpty()).isTrue();
    }

    @Test
    void biggerImbalanceRevokesHighestChannelIdsOfTheOverloadedClient() {
        ChannelAssignor.Plan plan = ChannelAssignor.plan(Set.of("a", "b"), Set.of("a", "b"),
                all(List.of(held("a", "c1", "c2", "c3", "c4"), held("b", "c5"))), Map.of(), null);

        assertThat(plan.revoke()).containsExactly("c4");
        assertThat(plan.assign()).isEmpty();
    }

    @Test
    void unownedChannelsGoToTheNeediestEligibleClientInChannelIdOrder() {
        ChannelAssignor.Plan plan = ChannelAssignor.plan(Set.of("a", "b", "c"), Set.of("a", "b"),
                all(List.of(held("a", "x1"), held(null, "u3", "u1", "u2", "u4", "u5"))), Map.of(), null);

        // 6 channels, 3 clients: quota 2 each; c has not heartbeated yet, so its share waits.
        assertThat(plan.assign()).isEqualTo(new TreeMap<>(Map.of("u1", "b", "u2", "a", "u3", "b")));
        assertThat(plan.revoke()).isEmpty();
    }

    @Test
    void handedBackChannelIsNotReturnedToTheSameClientWhenOthersExist() {
        List<ChannelAssignor.Holding> ready = held(null, "u1");

        assertThat(ChannelAssignor.plan(Set.of("a", "b"), Set.of("a", "b"), ready, Map.of("u1", "a"), "a").assign())
                .isEqualTo(Map.of("u1", "b"));
        assertThat(ChannelAssignor.plan(Set.of("a"), Set.of("a"), ready, Map.of("u1", "a"), "a").assign())
                .isEqualTo(Map.of("u1", "a"));
    }

    @Test
    void callerWinsTiesSoItLearnsAboutTheChannelImmediately() {
        ChannelAssignor.Plan plan = ChannelAssignor.plan(Set.of("a", "b"), Set.of("a", "b"), held(null, "u1"),
                Map.of(), "b");

        assertThat(plan.assign()).isEqualTo(Map.of("u1", "b"));
    }

    @Test
    void closingChannelsCountForNobodyAndAreNeverReassignedWhileOwned() {
        List<ChannelAssignor.Holding> ready = List.of(
                new ChannelAssignor.Holding("c1", "a", ChannelStatus.OPEN),
                new ChannelAssignor.Holding("c2", "a", ChannelStatus.CLOSING));

        ChannelAssignor.Plan plan = ChannelAssignor.plan(Set.of("a", "b"), Set.of("a", "b"), ready, Map.of(), null);

        assertThat(plan.isEmpty()).isTrue();
    }

    @Test
    void noClientsNoPlan() {
        assertThat(ChannelAssignor.plan(Set.of(), Set.of(), held(null, "u1"), Map.of(), null).isEmpty()).isTrue();
    }
}
