package io.tunnelstore.cli;

import io.tunnelstore.client.ChannelInfo;
import io.tunnelstore.client.TunnelDescription;
import io.tunnelstore.client.TunnelInfo;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Text and JSON forms of tunnels and channels, shared by {@code list}, {@code describe} and {@code watch}. */
final class TunnelViews {
    private TunnelViews() {
    }

    /** An instant to the millisecond ({@code 2026-01-02T03:04:05.678Z}), or "-" when absent. */
    static String time(Instant t) {
        return t == null ? "-" : t.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    static Object jsonTime(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    static Map<String, Object> tunnelJson(TunnelInfo t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tunnelName", t.tunnelName());
        m.put("tunnelId", t.tunnelId());
        m.put("tableName", t.tableName());
        m.put("type", t.type().wireName());
        m.put("stage", t.stage().wireName());
        m.put("expired", t.expired());
        m.put("createTime", jsonTime(t.createTime()));
        return m;
    }

    static Map<String, Object> channelJson(ChannelInfo c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("channelId", c.channelId());
        m.put("type", c.type().wireName());
        m.put("status", c.status().name());
        m.put("owner", c.ownerClientId());
        m.put("rpo", jsonTime(c.rpoTime()));
        m.put("count", c.consumedCount());
        return m;
    }

    static Map<String, Object> describeJson(TunnelDescription d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tunnel", tunnelJson(d.tunnel()));
        m.put("tunnelRpo", jsonTime(d.tunnelRpo()));
        List<Object> channels = new ArrayList<>();
        for (ChannelInfo c : d.channels()) {
            channels.add(channelJson(c));
        }
        m.put("channels", channels);
        return m;
    }

    /** PROPERTY/VALUE table of a tunnel. */
    static TextTable tunnelTable(TunnelDescription d) {
        TunnelInfo t = d.tunnel();
        TextTable table = new TextTable(List.of("PROPERTY", "VALUE"));
        table.add(List.of("tunnel", t.tunnelName()));
        table.add(List.of("id", t.tunnelId()));
        table.add(List.of("table", t.tableName()));
        table.add(List.of("type", t.type().wireName()));
        table.add(List.of("stage", t.stage().wireName()));
        table.add(List.of("expired", Boolean.toString(t.expired())));
        table.add(List.of("created", time(t.createTime())));
        table.add(List.of("rpo", time(d.tunnelRpo())));
        return table;
    }

    /**
     * The channels table: CHANNEL, TYPE, STATUS, OWNER, RPO, COUNT, and RATE when {@code rates} is given
     * (records per second per channel id; "-" where unknown).
     */
    static TextTable channelTable(List<ChannelInfo> channels, Map<String, Long> rates) {
        List<String> header = new ArrayList<>(List.of("CHANNEL", "TYPE", "STATUS", "OWNER", "RPO", "COUNT"));
        if (rates != null) {
            header.add("RATE/S");
        }
        TextTable table = new TextTable(header);
        for (ChannelInfo c : channels) {
            List<String> row = new ArrayList<>(List.of(c.channelId(), c.type().wireName(), c.status().name(),
                    c.ownerClientId() == null ? "-" : c.ownerClientId(), time(c.rpoTime()),
                    Long.toString(c.consumedCount())));
            if (rates != null) {
                Long rate = rates.get(c.channelId());
                row.add(rate == null ? "-" : Long.toString(rate));
            }
            table.add(row);
        }
        return table;
    }
}
