package io.tunnelstore.coordinator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/** Conversions between a whole {@link TunnelSnapshot} and its {@link TunnelRecord}s. Stateless. */
public final class TunnelRecords {

    private TunnelRecords() {}

    /** Every record of {@code snapshot}: the header, one per channel, one per client, one per loss event. */
    public static List<TunnelRecord> of(TunnelSnapshot snapshot) {
        List<TunnelRecord> records = new ArrayList<>();
        records.add(new TunnelRecord.Header(snapshot.stage(), snapshot.expired(), snapshot.disabled(),
                snapshot.nextClientSerial(), snapshot.changeCount()));
        for (TunnelSnapshot.ChannelEntry e : snapshot.channels()) {
            records.add(new TunnelRecord.Channel(e.definition(), e.state()));
        }
        for (ClientSession c : snapshot.clients()) {
            records.add(new TunnelRecord.Client(c));
        }
        for (int i = 0; i < snapshot.lossEvents().size(); i++) {
            records.add(new TunnelRecord.Loss(i, snapshot.lossEvents().get(i)));
        }
        return records;
    }

    /**
     * The snapshot that {@code records} (one per key, any order; later records of a key win) describe.
     *
     * @throws IllegalArgumentException without a header, or with loss events that are not numbered 0..n-1
     */
    public static TunnelSnapshot toSnapshot(String tunnelId, TunnelType type, List<TunnelRecord> records) {
        TunnelRecord.Header header = null;
        TreeMap<String, TunnelSnapshot.ChannelEntry> channels = new TreeMap<>();
        TreeMap<String, ClientSession> clients = new TreeMap<>();
        List<TunnelRecord.Loss> losses = new ArrayList<>();
        for (TunnelRecord r : records) {
            if (r instanceof TunnelRecord.Header h) {
                header = h;
            } else if (r instanceof TunnelRecord.Channel c) {
                channels.put(c.definition().channelId(), new TunnelSnapshot.ChannelEntry(c.definition(), c.state()));
            } else if (r instanceof TunnelRecord.Client c) {
                clients.put(c.session().clientId(), c.session());
            } else if (r instanceof TunnelRecord.ClientGone g) {
                clients.remove(g.clientId());
            } else if (r instanceof TunnelRecord.Loss l) {
                losses.removeIf(x -> x.index() == l.index());
                losses.add(l);
            }
        }
        if (header == null) {
            throw new IllegalArgumentException("tunnel " + tunnelId + " has no header record");
        }
        losses.sort(Comparator.comparingInt(TunnelRecord.Loss::index));
        for (int i = 0; i < losses.size(); i++) {
            if (losses.get(i).index() != i) {
                throw new IllegalArgumentException("tunnel " + tunnelId + ": loss event " + i + " is missing");
            }
        }
        return new TunnelSnapshot(tunnelId, type, header.stage(), header.expired(), header.disabled(),
                header.nextClientSerial(), header.changeCount(), List.copyOf(channels.values()),
                List.copyOf(clients.values()), losses.stream().map(TunnelRecord.Loss::event).toList());
    }
}
