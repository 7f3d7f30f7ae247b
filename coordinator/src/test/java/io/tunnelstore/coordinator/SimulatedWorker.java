package io.tunnelstore.coordinator;

import io.tunnelstore.protocol.tunnel.ChannelStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Test model of an official tunnel worker (Java/Go) as pinned in TUNNEL-SEMANTICS.md §1.3-1.4: version merge
 * (higher version wins, ties go to the server), GetCheckpoint on first sight, the notify transition table with
 * {@code v+1} reports sent on the following heartbeat, and the checkpoint sequence protocol of §1.7.
 * The only simplification: a CLOSING request stops the read loop at once (the real loop stops at its next step).
 */
final class SimulatedWorker {

    enum Conn { WAIT, RUNNING, CLOSED }

    /** One local channel connection. */
    static final class Connection {
        Conn state = Conn.WAIT;
        boolean finished;
        long nextSequence;
        String token;
        int progress;
    }

    record Local(long version, ChannelStatus status) {}

    final TunnelCoordinator coordinator;
    final String clientId;
    final long timeoutMillis;
    final Map<String, Local> local = new TreeMap<>();
    final Map<String, Connection> connections = new TreeMap<>();
    final List<CheckpointResult> checkpointResults = new ArrayList<>();

    private SimulatedWorker(TunnelCoordinator coordinator, String clientId, long timeoutMillis) {
        this.coordinator = coordinator;
        this.clientId = clientId;
        this.timeoutMillis = timeoutMillis;
    }

    static SimulatedWorker connect(TunnelCoordinator coordinator, long now, long timeoutMillis, String tag) {
        ConnectResult r = coordinator.connect(now, timeoutMillis, tag);
        if (!(r instanceof ConnectResult.Connected c)) {
            throw new AssertionError("connect failed: " + r);
        }
        return new SimulatedWorker(coordinator, c.clientId(), timeoutMillis);
    }

    /** One heartbeat round; returns the raw result. */
    HeartbeatResult heartbeat(long now) {
        List<ChannelReport> reports = new ArrayList<>();
        local.forEach((id, l) -> reports.add(new ChannelReport(id, l.version(), l.status())));
        HeartbeatResult result = coordinator.heartbeat(now, clientId, reports);
        if (!(result instanceof HeartbeatResult.Assigned assigned)) {
            return result;
        }
        Map<String, Local> merged = new TreeMap<>();
        for (ChannelAssignment a : assigned.channels()) {
            Local mine = local.get(a.channelId());
            merged.put(a.channelId(), mine != null && mine.version() > a.version()
                    ? mine : new Local(a.version(), a.status()));
        }
        local.clear();
        local.putAll(merged);
        for (String id : merged.keySet()) {
            if (!connections.containsKey(id)) {
                GetCheckpointResult cp = coordinator.getCheckpoint(clientId, id);
                if (!(cp instanceof GetCheckpointResult.Found found)) {
                    throw new AssertionError("GetCheckpoint failed for listed channel " + id + ": " + cp);
                }
                Connection c = new Connection();
                c.token = found.token();
                c.nextSequence = found.sequenceNumber() + 1;
                connections.put(id, c);
            }
        }
        for (Map.Entry<String, Local> e : merged.entrySet()) {
            notify(e.getKey(), e.getValue());
        }
        connections.keySet().removeIf(id -> !local.containsKey(id));
        return result;
    }

    /** The per-connection transition table of §1.4.3. */
    private void notify(String id, Local l) {
        Connection c = connections.get(id);
        if (c == null) {
            return;
        }
        switch (l.status()) {
            case OPEN -> {
                if (c.state == Conn.WAIT) {
                    c.state = Conn.RUNNING;
                    if (ChannelState.FINISHED_TOKEN.equals(c.token)) {
                        c.finished = true; // read stage sees "finished": close as finished, report later
                        c.state = Conn.CLOSED;
                    }
                } else if (c.state == Conn.CLOSED) {
                    report(id, l, c.finished ? ChannelStatus.TERMINATED : ChannelStatus.CLOSE);
                }
            }
            case CLOSING -> {
                if (c.state == Conn.WAIT) {
                    c.state = Conn.CLOSED;
                    report(id, l, ChannelStatus.CLOSE);
                } else if (c.state == Conn.RUNNING) {
                    c.state = Conn.CLOSED; // loop stops; the CLOSE report comes with a later notification
                } else {
                    report(id, l, c.finished ? ChannelStatus.TERMINATED : ChannelStatus.CLOSE);
                }
            }
            case CLOSE, TERMINATED -> c.state = Conn.CLOSED;
            case WAIT -> throw new AssertionError("WAIT on the wire");
        }
    }

    private void report(String id, Local l, ChannelStatus status) {
        local.put(id, new Local(l.version() + 1, status));
        connections.remove(id);
    }

    /** Processes a batch and checkpoints it (like the default processors). */
    CheckpointResult work(long now, String channelId) {
        Connection c = connections.get(channelId);
        if (c == null || c.state != Conn.RUNNING) {
            return null;
        }
        c.progress++;
        return checkpoint(now, channelId, c, channelId + "@" + c.progress);
    }

    /** The channel's reads reached {@code finished}: checkpoint it and close as finished. */
    CheckpointResult finish(long now, String channelId) {
        Connection c = connections.get(channelId);
        if (c == null || c.state != Conn.RUNNING) {
            return null;
        }
        CheckpointResult r = checkpoint(now, channelId, c, ChannelState.FINISHED_TOKEN);
        c.finished = true;
        c.state = Conn.CLOSED;
        return r;
    }

    /** A read or processor error closes the connection (reported CLOSE on the next notification). */
    boolean fail(String channelId) {
        Connection c = connections.get(channelId);
        if (c == null || c.state != Conn.RUNNING) {
            return false;
        }
        c.state = Conn.CLOSED;
        return true;
    }

    private CheckpointResult checkpoint(long now, String channelId, Connection c, String token) {
        CheckpointResult r = coordinator.checkpoint(now, clientId, channelId, token, c.nextSequence);
        checkpointResults.add(r);
        if (r instanceof CheckpointResult.Accepted) {
            c.nextSequence++;
        } else if (r instanceof Rejection rej && rej.error().wireCode().equals("OTSSequenceNumberNotMatch")) {
            // Both SDKs re-read the server's sequence and drop this checkpoint.
            if (coordinator.getCheckpoint(clientId, channelId) instanceof GetCheckpointResult.Found f) {
                c.nextSequence = f.sequenceNumber() + 1;
            }
        }
        return r;
    }

    /** Channels this worker currently believes are OPEN or CLOSING for it. */
    List<String> believedOwned() {
        List<String> owned = new ArrayList<>();
        local.forEach((id, l) -> {
            if (l.status().isOwned()) {
                owned.add(id);
            }
        });
        return owned;
    }
}
