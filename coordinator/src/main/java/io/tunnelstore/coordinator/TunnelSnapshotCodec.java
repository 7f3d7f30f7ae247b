package io.tunnelstore.coordinator;

import io.tunnelstore.protocol.tunnel.ChannelStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Compact binary form of a {@link TunnelSnapshot} (big-endian, {@link DataOutputStream} primitives).
 *
 * <pre>
 * snapshot  := magic:int32 "TSNP"  formatVersion:int8(2)  tunnelId:str  type:int8(wire number)  stage:str(wire name)
 *              mark(expired)  mark(disabled)  nextClientSerial:int64  changeCount:int64
 *              count:int32 channel*  count:int32 client*  count:int32 loss*
 * channel   := id:str kind:str(wire name) count:int32 parent:str* initialToken:str
 *              status:int8(wire number, WAIT=0) version:int64 owner:nstr token:str sequence:int64
 *              consumed:int64 lastCheckpointMillis:int64 rpoMillis:int64 suspended:bool(format 2 only)
 * client    := id:str tag:str timeoutMillis:int64 lastHeartbeatMillis:int64
 * loss      := channelId:str atMillis:int64 lostFrom:str resumedAt:str note:str
 * mark      := present:bool [atMillis:int64 reason:str]
 * str       := length:int32 utf8-bytes;  nstr := length:int32 (-1 = null) utf8-bytes
 * </pre>
 *
 * Format 1 (before the schedule API) has no suspended flag; it is still read, as "not suspended".
 * Enums are stored by their wire names/numbers, so reordering Java constants never changes the format.
 * Stateless and thread-safe.
 */
public final class TunnelSnapshotCodec {

    private static final int MAGIC = 0x54534E50; // "TSNP"
    private static final byte FORMAT_VERSION = 2;
    private static final byte FORMAT_WITHOUT_SUSPENDED = 1;

    private TunnelSnapshotCodec() {}

    /** Serializes {@code snapshot}. */
    public static byte[] encode(TunnelSnapshot snapshot) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeByte(FORMAT_VERSION);
            writeString(out, snapshot.tunnelId());
            out.writeByte(snapshot.type().wireNumber());
            writeString(out, snapshot.stage().wireName());
            writeMark(out, snapshot.expired());
            writeMark(out, snapshot.disabled());
            out.writeLong(snapshot.nextClientSerial());
            out.writeLong(snapshot.changeCount());
            out.writeInt(snapshot.channels().size());
            for (TunnelSnapshot.ChannelEntry e : snapshot.channels()) {
                writeChannel(out, e);
            }
            out.writeInt(snapshot.clients().size());
            for (ClientSession c : snapshot.clients()) {
                writeString(out, c.clientId());
                writeString(out, c.clientTag());
                out.writeLong(c.timeoutMillis());
                out.writeLong(c.lastHeartbeatMillis());
            }
            out.writeInt(snapshot.lossEvents().size());
            for (LossEvent l : snapshot.lossEvents()) {
                writeString(out, l.channelId());
                out.writeLong(l.atMillis());
                writeString(out, l.lostFromToken());
                writeString(out, l.resumedAtToken());
                writeString(out, l.note());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory stream failed", e); // cannot happen with a byte array
        }
        return bytes.toByteArray();
    }

    /**
     * Parses bytes produced by {@link #encode}.
     *
     * @throws IllegalArgumentException if the bytes are truncated, corrupt, or of an unknown format version
     */
    public static TunnelSnapshot decode(byte[] data) {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
        try {
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException("not a tunnel snapshot (bad magic)");
            }
            byte version = in.readByte();
            if (version != FORMAT_VERSION && version != FORMAT_WITHOUT_SUSPENDED) {
                throw new IllegalArgumentException("unsupported tunnel snapshot format version " + version);
            }
            String tunnelId = readString(in, data.length);
            TunnelType type = TunnelType.fromWireNumber(in.readByte());
            TunnelStage stage = TunnelStage.fromWireName(readString(in, data.length));
            LifecycleMark expired = readMark(in, data.length);
            LifecycleMark disabled = readMark(in, data.length);
            long nextClientSerial = in.readLong();
            long changeCount = in.readLong();
            int channelCount = readCount(in, data.length);
            List<TunnelSnapshot.ChannelEntry> channels = new ArrayList<>(channelCount);
            for (int i = 0; i < channelCount; i++) {
                channels.add(readChannel(in, data.length, version >= FORMAT_VERSION));
            }
            int clientCount = readCount(in, data.length);
            List<ClientSession> clients = new ArrayList<>(clientCount);
            for (int i = 0; i < clientCount; i++) {
                clients.add(new ClientSession(readString(in, data.length), readString(in, data.length),
                        in.readLong(), in.readLong()));
            }
            int lossCount = readCount(in, data.length);
            List<LossEvent> losses = new ArrayList<>(lossCount);
            for (int i = 0; i < lossCount; i++) {
                losses.add(new LossEvent(readString(in, data.length), in.readLong(), readString(in, data.length),
                        readString(in, data.length), readString(in, data.length)));
            }
            if (in.available() > 0) {
                throw new IllegalArgumentException(in.available() + " trailing bytes after tunnel snapshot");
            }
            return new TunnelSnapshot(tunnelId, type, stage, expired, disabled, nextClientSerial, changeCount,
                    channels, clients, losses);
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated tunnel snapshot", e);
        }
    }

    static void writeChannel(DataOutputStream out, TunnelSnapshot.ChannelEntry e) throws IOException {
        ChannelDefinition d = e.definition();
        ChannelState s = e.state();
        writeString(out, d.channelId());
        writeString(out, d.kind().wireName());
        out.writeInt(d.parentIds().size());
        for (String p : d.parentIds()) {
            writeString(out, p);
        }
        writeString(out, d.initialToken());
        out.writeByte(s.status().wireNumber());
        out.writeLong(s.version());
        writeNullableString(out, s.ownerClientId());
        writeString(out, s.checkpointToken());
        out.writeLong(s.checkpointSequence());
        out.writeLong(s.consumedCount());
        out.writeLong(s.lastCheckpointMillis());
        out.writeLong(s.rpoMillis());
        out.writeBoolean(s.suspended());
    }

    static TunnelSnapshot.ChannelEntry readChannel(DataInputStream in, int limit, boolean hasSuspended)
            throws IOException {
        String id = readString(in, limit);
        ChannelKind kind = ChannelKind.fromWireName(readString(in, limit));
        int parentCount = readCount(in, limit);
        List<String> parents = new ArrayList<>(parentCount);
        for (int i = 0; i < parentCount; i++) {
            parents.add(readString(in, limit));
        }
        ChannelDefinition definition = new ChannelDefinition(id, kind, parents, readString(in, limit));
        int statusNumber = in.readByte();
        ChannelStatus status = statusNumber == 0 ? ChannelStatus.WAIT : ChannelStatus.fromWireNumber(statusNumber)
                .orElseThrow(() -> new IllegalArgumentException("unknown channel status " + statusNumber));
        ChannelState state = new ChannelState(status, in.readLong(), readNullableString(in, limit),
                readString(in, limit), in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                hasSuspended && in.readBoolean());
        return new TunnelSnapshot.ChannelEntry(definition, state);
    }

    static void writeMark(DataOutputStream out, LifecycleMark mark) throws IOException {
        out.writeBoolean(mark != null);
        if (mark != null) {
            out.writeLong(mark.atMillis());
            writeString(out, mark.reason());
        }
    }

    static LifecycleMark readMark(DataInputStream in, int limit) throws IOException {
        return in.readBoolean() ? new LifecycleMark(in.readLong(), readString(in, limit)) : null;
    }

    static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    static void writeNullableString(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
        } else {
            writeString(out, s);
        }
    }

    static String readString(DataInputStream in, int limit) throws IOException {
        String s = readNullableString(in, limit);
        if (s == null) {
            throw new IllegalArgumentException("unexpected null string in tunnel snapshot");
        }
        return s;
    }

    static String readNullableString(DataInputStream in, int limit) throws IOException {
        int length = in.readInt();
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > limit) {
            throw new IllegalArgumentException("corrupt string length " + length + " in tunnel snapshot");
        }
        byte[] utf8 = new byte[length];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    /** Reads a list size, bounded by the input size so corrupt data cannot trigger huge allocations. */
    static int readCount(DataInputStream in, int limit) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > limit) {
            throw new IllegalArgumentException("corrupt element count " + count + " in tunnel snapshot");
        }
        return count;
    }
}
