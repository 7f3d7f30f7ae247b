package io.tunnelstore.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RendezvousAssignmentTest {
    private static final List<String> THREE = List.of("node-1", "node-2", "node-3");

    @Test
    void noMemberNoOwner() {
        assertThat(RendezvousAssignment.ownerOf("partition/1/1", List.of())).isEmpty();
    }

    @Test
    void theOwnerDoesNotDependOnTheOrderOfTheMembers() {
        for (int p = 0; p < 200; p++) {
            String resource = OwnedResources.partition(7, p);
            assertThat(RendezvousAssignment.ownerOf(resource, List.of("node-3", "node-1", "node-2")))
                    .isEqualTo(RendezvousAssignment.ownerOf(resource, THREE));
        }
    }

    @Test
    void resourcesSpreadEvenlyOverTheMembers() {
        Map<String, Integer> owned = new HashMap<>();
        for (int p = 0; p < 3000; p++) {
            owned.merge(RendezvousAssignment.ownerOf(OwnedResources.partition(1, p), THREE).orElseThrow(), 1,
                    Integer::sum);
        }
        // 1000 expected each; a binomial standard deviation is about 26
        assertThat(owned).containsOnlyKeys(THREE);
        assertThat(owned.values()).allSatisfy(n -> assertThat(n).isBetween(880, 1120));
    }

    @Test
    void whenAMemberLeavesOnlyItsResourcesMove() {
        List<String> two = List.of("node-1", "node-3");
        int moved = 0;
        for (int p = 0; p < 1000; p++) {
            String resource = OwnedResources.partition(1, p);
            String before = RendezvousAssignment.ownerOf(resource, THREE).orElseThrow();
            String after = RendezvousAssignment.ownerOf(resource, two).orElseThrow();
            if (!before.equals("node-2")) {
                assertThat(after).isEqualTo(before);
            } else {
                moved++;
            }
        }
        assertThat(moved).isBetween(250, 420);
    }
}
