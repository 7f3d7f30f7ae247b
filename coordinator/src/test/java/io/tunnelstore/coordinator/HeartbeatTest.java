package io.tunnelstore.coordinator;

import static io.tunnelstore.protocol.tunnel.ChannelStatus.CLOSE;
import static io.tunnelstore.protocol.tunnel.ChannelStatus.CLOSING;
import static io.tunnelstore.protocol.tunnel.ChannelStatus.OPEN;
import static io.tunnelstore.protocol.tunnel.ChannelStatus.TERMINATED;
import static io.tunnelstore.coordinator.Fixtures.TIMEOUT;
import static io.tunnelstore.coordinator.Fixtures.baseTunnel;
import static io.tunnelstore.coordinator.Fixtures.beat;
import static io.tunnelstore.coordinator.Fixtures.channel;
import static io.tunnelstore.coordinator.Fixtures.closing;
import static io.tunnelstore.coordinator.Fixtures.connect;
import static io.tunnelstore.coordinator.Fixtures.open;
import static io.tunnelstore.coordinator.Fixtures.report;
import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.protocol.tunnel.ChannelStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeartbeatTest {

    @Test
    void firstHeartbeatOfSoleClientListsEveryChannelOpenAtVersionOne() {
        TunnelCoordinator c = baseTunnel(3);
        String a = connect(c, 0, "host");

        assertThat(a).isEqualTo("host-0");
        assertThat(beat(c, 0, a)).containsExactly(open("BaseData_0", 1), open("BaseData_1", 1), open("BaseData_2", 1));
    }

    @Test
    void terminatedReportAtVersionTwoForChannelListedOpenAtVersionOneFinishesItAndDropsItFromListing() {
        TunnelCoordinator c = baseTunnel(2);
        String a = connect(c, 0, "host");
        beat(c, 0, a);

        List<ChannelAssignment> listing = beat(c, 10_000, a, report("BaseData_0", 2, TERMINATED),
                report("BaseData_1", 1, OPEN));

        assertThat(listing).containsExactly(open("BaseData_1", 1));
        assertThat(channel(c, "BaseData_0").status()).isEqualTo(TERMINATED);
        assertThat(channel(c, "BaseData_0").version()).isEqualTo(2);
        assertThat(channel(c, "BaseData_0").ownerClientId()).isNull();
    }

    @Test
    void joiningClientReceivesChannelsThroughClosingThenCloseHandoff() {
        TunnelCoordinator c = baseTunnel(4);
        String a = connect(c, 0, "a");
        beat(c, 0, a);
        String b = connect(c, 1_000, "b");
        // Nothing moves for a client that has not heartbeated yet.
        assertThat(beat(c, 1_500, a)).containsExactly(open("BaseData_0", 1), open("BaseData_1", 1),
                open("BaseData_2", 1), open("BaseData_3", 1));

        // B's first heartbeat makes A give back the two highest channel ids; B gets them once A releases them.
        assertThat(beat(c, 2_000, b)).isEmpty();
        assertThat(beat(c, 2_000, a)).containsExactly(open("BaseData_0", 1), open("BaseData_1", 1),
                closing("BaseData_2", 2), closing("BaseData_3", 2));
        // CLOSING stays listed to A until it reports CLOSE.
        assertThat(beat(c, 12_000, a, report("BaseData_2", 2, CLOSING))).contains(closing("BaseData_2", 2));

        assertThat(beat(c, 22_000, a, report("BaseData_2", 3, CLOSE), report("BaseData_3", 3, CLOSE)))
                .containsExactly(open("BaseData_0", 1), open("BaseData_1", 1));
        assertThat(beat(c, 22_000, b)).containsExactly(open("BaseData_2", 4), open("BaseData_3", 4));
        assertThat(c.describe().clients()).extracting(TunnelDescription.ClientView::channelIds)
                .containsExactly(List.of("BaseData_0", "BaseData_1"), List.of("BaseData_2", "BaseData_3"));
    }

    @Test
    void lowerOrEqualVersionReportsAreIgnored() {
        TunnelCoordinator c = baseTunnel(1);
        String a = connect(c, 0, "a");
        beat(c, 0, a);

        assertThat(beat(c, 1_000, a, report("BaseData_0", 1, CLOSE), report("BaseData_0", 0, TERMINATED)))
                .containsExactly(open("BaseData_0", 1));
        assertThat(channel(c, "BaseData_0").status()).isEqualTo(OPEN);
    }

    @Test
    void reportsForChannelsOwnedBySomeoneElseOrUnknownAreIgnored() {
        TunnelCoordinator c = baseTunnel(2);
        String a = connect(c, 0, "a");
        String b = connect(c, 0, "b");
        beat(c, 0, a);
        assertThat(beat(c, 0, b)).containsExactly(open("BaseData_1", 1));

        assertThat(beat(c, 1_000, a, report("BaseData_1", 9, TERMINATED), report("nope", 5, CLOSE)))
                .containsExactly(open("BaseData_0", 1));
        assertThat(channel(c, "BaseData_1").status()).isEqualTo(OPEN);
        assertThat(channel(c, "BaseData_1").ownerClientId()).isEqualTo(b);
    }

    @Test
    void higherVersionOpenReportRaisesServerVersionSoLaterServerChangesStillWin() {
        TunnelCoordinator c = baseTunnel(2);
        String a = connect(c, 0, "a");
        beat(c, 0, a);
        beat(c, 1_000, a, report("BaseData_1", 7, OPEN));
        String b = connect(c, 2_000, "b");
        assertThat(beat(c, 2_500, b)).isEmpty();

        assertThat(beat(c, 3_000, a)).containsExactly(open("BaseData_0", 1), closing("BaseData_1", 8));
    }

    @Test
    void unknownClientGetsResourceGone() {
        TunnelCoordinator c = baseTunnel(1);

        HeartbeatResult r = c.heartbeat(0, "ghost", List.of());

        assertThat(r).isInstanceOf(Rejection.class);
        assertThat(((Rejection) r).error()).isEqualTo(CoordinatorError.RESOURCE_GONE);
        assertThat(((Rejection) r).error().wireCode()).isEqualTo("OTSResourceGone");
        assertThat(((Rejection) r).error().httpStatus()).isEqualTo(410);
    }

    @Test
    void deadClientsChannelsAreReleasedOnlyAfterItsTimeoutAndItsIdIsGoneAfterwards() {
        TunnelCoordinator c = baseTunnel(2);
        String a = connect(c, 0, "a");
        String b = connect(c, 0, "b");
        beat(c, 0, a);
        beat(c, 0, b);
        assertThat(c.nextDeadlineMillis()).hasValue(TIMEOUT + 1);

        c.tick(TIMEOUT - 5_000);
        beat(c, TIMEOUT - 5_000, b);
        c.tick(TIMEOUT); // exactly the timeout: still alive
        assertThat(channel(c, "BaseData_0").ownerClientId()).isEqualTo(a);

        c.tick(TIMEOUT + 1);
        assertThat(channel(c, "BaseData_0").ownerClientId()).isEqualTo(b);
        assertThat(channel(c, "BaseData_0").version()).isEqualTo(3); // OPEN v1 -> CLOSE v2 -> OPEN v3
        assertThat(beat(c, TIMEOUT + 2, b)).containsExactly(open("BaseData_0", 3), open("BaseData_1", 1));
        assertThat(c.heartbeat(TIMEOUT + 3, a, List.of())).isInstanceOf(Rejection.class);
        assertThat(c.describe().clients()).extracting(TunnelDescription.ClientView::clientId).containsExactly(b);
    }

    @Test
    void lateHeartbeatOfExpiredClientIsRefusedEvenWithoutTick() {
        TunnelCoordinator c = baseTunnel(1);
        String a = connect(c, 0, "a");

        HeartbeatResult r = c.heartbeat(TIMEOUT + 1, a, List.of());

        assertThat(((Rejection) r).error()).isEqualTo(CoordinatorError.RESOURCE_GONE);
    }

    @Test
    void shutdownReleasesChannelsForImmediateReassignment() {
        TunnelCoordinator c = baseTunnel(2);
        String a = connect(c, 0, "a");
        String b = connect(c, 0, "b");
        beat(c, 0, a);
        beat(c, 0, b);

        ShutdownResult r = c.shutdown(5_000, a);

        assertThat(r).isEqualTo(new ShutdownResult.Released(List.of("BaseData_0")));
        assertThat(beat(c, 5_000, b)).containsExactly(open("BaseData_0", 3), open("BaseData_1", 1));
        assertThat(c.shutdown(5_000, a)).isInstanceOf(Rejection.class);
    }

    @Test
    void channelHandedBackGoesToAnotherClientRatherThanStraightBack() {
        TunnelCoordinator c = baseTunnel(2);
        String a = connect(c, 0, "a");
        String b = connect(c, 0, "b");
        beat(c, 0, a);
        beat(c, 0, b);
        c.shutdown(1_000, b); // BaseData_1 -> a, a now holds both
        assertThat(beat(c, 1_000, a)).containsExactly(open("BaseData_0", 1), open("BaseData_1", 3));
        String d = connect(c, 2_000, "d");
        assertThat(beat(c, 2_500, d)).isEmpty(); // a is now over its quota: BaseData_1 becomes CLOSING v4

        // a's GetCheckpoint for BaseData_0 failed: it reports CLOSE. It goes to d, not straight back to a.
        assertThat(beat(c, 3_000, a, report("BaseData_0", 2, CLOSE))).containsExactly(closing("BaseData_1", 4));
        assertThat(channel(c, "BaseData_0").ownerClientId()).isEqualTo(d);
        assertThat(beat(c, 3_000, d)).containsExactly(open("BaseData_0", 3));
    }

    @Test
    void releasedChannelWithoutTakersIsDescribedAsWait() {
        TunnelCoordinator c = baseTunnel(1);
        String a = connect(c, 0, "a");
        beat(c, 0, a);
        c.shutdown(1, a);

        assertThat(channel(c, "BaseData_0").status()).isEqualTo(ChannelStatus.WAIT);
        assertThat(channel(c, "BaseData_0").ownerClientId()).isNull();
        assertThat(channel(c, "BaseData_0").version()).isEqualTo(2);
        assertThat(c.snapshot().channels().get(0).state().status()).isEqualTo(CLOSE);
    }

    @Test
    void soleClientHandingBackGetsTheChannelAgainAtOnce() {
        TunnelCoordinator c = baseTunnel(1);
        String a = connect(c, 0, "a");
        beat(c, 0, a);

        assertThat(beat(c, 1_000, a, report("BaseData_0", 2, CLOSE))).containsExactly(open("BaseData_0", 3));
    }

    @Test
    void soleClientIsNeverAskedToCloseAnything() {
        TunnelCoordinator c = TunnelCoordinator.createInitialized("t", TunnelType.STREAM,
                List.of(ChannelDefinition.stream("s0", "tok", List.of())), ClientIdGenerator.sequential());
        String a = connect(c, 0, "a");
        beat(c, 0, a);
        c.addStreamChannels(List.of(ChannelDefinition.stream("s1", "tok", List.of()),
                ChannelDefinition.stream("s2", "tok", List.of())));

        assertThat(beat(c, 1_000, a)).containsExactly(open("s0", 1), open("s1", 1), open("s2", 1));
    }

    @Test
    void clientsThatConnectTogetherSplitChannelsWithoutClosingRoundTrip() {
        TunnelCoordinator c = baseTunnel(4);
        String a = connect(c, 0, "a");
        String b = connect(c, 5, "b");

        assertThat(beat(c, 10, a)).containsExactly(open("BaseData_0", 1), open("BaseData_1", 1));
        assertThat(beat(c, 15, b)).containsExactly(open("BaseData_2", 1), open("BaseData_3", 1));
    }

    @Test
    void clientThatConnectsButNeverHeartbeatsDoesNotMakeOthersHandChannelsBack() {
        TunnelCoordinator c = baseTunnel(2);
        String a = connect(c, 0, "a");
        beat(c, 0, a);
        connect(c, 1_000, "ghost");

        assertThat(beat(c, 10_000, a)).containsExactly(open("BaseData_0", 1), open("BaseData_1", 1));
        c.tick(1_000 + TIMEOUT + 1);
        assertThat(c.describe().clients()).hasSize(1);
    }

    @Test
    void neverListsOneChannelToTwoClients() {
        TunnelCoordinator c = baseTunnel(5);
        String a = connect(c, 0, "a");
        beat(c, 0, a);
        String b = connect(c, 0, "b");
        String d = connect(c, 0, "d");

        List<ChannelAssignment> lb = beat(c, 1_000, b);
        List<ChannelAssignment> ld = beat(c, 1_000, d);
        List<ChannelAssignment> la = beat(c, 1_000, a);

        assertThat(la).hasSize(5).filteredOn(x -> x.status() == CLOSING).hasSize(3);
        assertThat(lb).isEmpty();
        assertThat(ld).isEmpty();
    }
}
