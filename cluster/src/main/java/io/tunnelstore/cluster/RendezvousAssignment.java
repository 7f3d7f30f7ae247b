package io.tunnelstore.cluster;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Optional;

/**
 * Who owns a resource, as a pure function of the live members: rendezvous (highest-random-weight) hashing. Every
 * member is weighed by a hash of (resource, member) and the heaviest wins, so every node with the same view agrees
 * without talking to the others, resources spread evenly, and when a member leaves only its own resources move (each
 * to the member weighed second for it).
 */
public final class RendezvousAssignment {

    private RendezvousAssignment() {}

    /** The owner of {@code resource} among {@code members}; empty when there is no member. */
    public static Optional<String> ownerOf(String resource, Collection<String> members) {
        String best = null;
        long bestWeight = 0;
        for (String member : members) {
            long w = weight(resource, member);
            // ties (practically impossible on 64 bits) go to the smaller id, so the choice never depends on order
            if (best == null || Long.compareUnsigned(w, bestWeight) > 0
                    || (w == bestWeight && member.compareTo(best) < 0)) {
                best = member;
                bestWeight = w;
            }
        }
        return Optional.ofNullable(best);
    }

    /** 64-bit FNV-1a of "resource NUL member", finished with the SplitMix64 mixer (good avalanche for HRW). */
    static long weight(String resource, String member) {
        long h = 0xcbf29ce484222325L;
        for (byte b : resource.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h = (h ^ 0) * 0x100000001b3L;
        for (byte b : member.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h ^= h >>> 30;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 27;
        h *= 0x94d049bb133111ebL;
        h ^= h >>> 31;
        return h;
    }
}
