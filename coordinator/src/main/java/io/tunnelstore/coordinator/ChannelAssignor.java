package io.tunnelstore.coordinator;

import io.tunnelstore.protocol.tunnel.ChannelStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Pure assignment function: from who holds which ready channel, decide which channels to revoke (OPEN to CLOSING)
 * and which unowned channels to hand to whom. No state, no time; the same input always gives the same plan.
 *
 * <p>Algorithm (also in docs/tunnel-coordinator.md):
 * <ol>
 *   <li>N ready channels, C live clients. Every client's quota is floor(N/C); the N mod C extra slots go to the
 *       clients that already hold the most OPEN channels (ties: clients that did not just hand a channel back, then
 *       the client whose heartbeat is being answered, then the smaller client id). Handing the extra slots to the
 *       biggest holders is what makes the plan sticky: a client at most one above another is never touched.</li>
 *   <li>A client holding more OPEN channels than its quota loses the excess, highest channel ids first.</li>
 *   <li>Unowned ready channels, in channel id order, go to the client with the largest remaining need (quota minus
 *       OPEN channels kept; ties: the client whose heartbeat is being answered, because it learns about the channel
 *       at once, then the smaller client id). CLOSING channels count for nobody: they are in transit.</li>
 *   <li>Only clients that have sent at least one heartbeat since they connected (or since the coordinator was
 *       restored) receive channels. Every live client counts for the quotas that limit new assignments, so workers
 *       starting together split the channels without a CLOSING round trip; but only heartbeating clients count for
 *       the quotas that trigger revocations, so a client that connects and dies at once does not make the others
 *       hand channels back that nobody would then take until it expires.</li>
 *   <li>A channel that a client handed back in the current call is not given straight back to that same client
 *       when other clients exist (the Go SDK keeps refusing a channel whose GetCheckpoint failed); it stays unowned
 *       and is picked up by another client, or by the same one on its next heartbeat.</li>
 * </ol>
 */
final class ChannelAssignor {

    /** A ready (assignable, not TERMINATED) channel and its current holder. */
    record Holding(String channelId, String ownerClientId, ChannelStatus status) {}

    /** Changes to apply: channels to turn CLOSING, and unowned channels to open for a client. */
    record Plan(List<String> revoke, SortedMap<String, String> assign) {
        boolean isEmpty() {
            return revoke.isEmpty() && assign.isEmpty();
        }
    }

    private ChannelAssignor() {}

    /**
     * @param liveClientIds clients counted for the quotas
     * @param eligible      clients that may receive channels (subset of {@code liveClientIds})
     * @param ready         every ready channel (any order)
     * @param notBackTo     channel id to the client that just handed it back
     * @param caller        client whose heartbeat is being answered, or {@code null}
     */
    static Plan plan(Set<String> liveClientIds, Set<String> eligible, List<Holding> ready,
            Map<String, String> notBackTo, String caller) {
        if (liveClientIds.isEmpty()) {
            return new Plan(List.of(), new TreeMap<>());
        }
        List<String> clients = new ArrayList<>(liveClientIds);
        clients.sort(Comparator.naturalOrder());
        List<Holding> channels = new ArrayList<>(ready);
        channels.sort(Comparator.comparing(Holding::channelId));

        Map<String, List<String>> open = new HashMap<>();
        clients.forEach(c -> open.put(c, new ArrayList<>()));
        List<String> unowned = new ArrayList<>();
        for (Holding h : channels) {
            if (h.ownerClientId() == null) {
                unowned.add(h.channelId());
            } else if (h.status() == ChannelStatus.OPEN && open.containsKey(h.ownerClientId())) {
                open.get(h.ownerClientId()).add(h.channelId());
            }
        }

        int n = channels.size();
        Set<String> handedBack = Set.copyOf(notBackTo.values());
        // Revocations only make room for clients that heartbeat: a client that connected and died at once must not
        // make others hand channels back. Assignments respect every live client's share.
        List<String> active = clients.stream().filter(eligible::contains).toList();
        Map<String, Integer> revokeQuota = quotas(active, n, open, handedBack, caller);
        Map<String, Integer> assignQuota = quotas(clients, n, open, handedBack, caller);

        List<String> revoke = new ArrayList<>();
        Map<String, Integer> need = new HashMap<>();
        for (String client : clients) {
            List<String> held = open.get(client);
            int keep = Math.min(held.size(), revokeQuota.getOrDefault(client, held.size()));
            revoke.addAll(held.subList(keep, held.size()));
            need.put(client, eligible.contains(client) ? Math.max(0, assignQuota.get(client) - keep) : 0);
        }

        SortedMap<String, String> assign = new TreeMap<>();
        for (String channelId : unowned) {
            String excluded = clients.size() > 1 ? notBackTo.get(channelId) : null;
            String best = null;
            for (String client : clients) {
                int want = need.get(client);
                boolean better = best == null || want > need.get(best)
                        || want == need.get(best) && client.equals(caller);
                if (want > 0 && !client.equals(excluded) && better) {
                    best = client;
                }
            }
            if (best != null) {
                assign.put(channelId, best);
                need.merge(best, -1, Integer::sum);
            }
        }
        revoke.sort(Comparator.naturalOrder());
        return new Plan(List.copyOf(revoke), assign);
    }

    /** floor(n/C) per client; the n mod C extra slots go to the biggest holders (see the class comment). */
    private static Map<String, Integer> quotas(List<String> clients, int n, Map<String, List<String>> open,
            Set<String> handedBack, String caller) {
        Map<String, Integer> quota = new HashMap<>();
        int c = clients.size();
        if (c == 0) {
            return quota;
        }
        List<String> byLoad = new ArrayList<>(clients);
        byLoad.sort(Comparator.<String>comparingInt(id -> open.get(id).size()).reversed()
                .thenComparing(handedBack::contains)
                .thenComparing(id -> !id.equals(caller))
                .thenComparing(Comparator.naturalOrder()));
        for (int rank = 0; rank < c; rank++) {
            quota.put(byLoad.get(rank), n / c + (rank < n % c ? 1 : 0));
        }
        return quota;
    }
}
