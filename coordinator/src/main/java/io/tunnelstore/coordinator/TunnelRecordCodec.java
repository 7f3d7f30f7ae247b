package io.tunnelstore.coordinator;

import static io.tunnelstore.coordinator.TunnelSnapshotCodec.readChannel;
import static io.tunnelstore.coordinator.TunnelSnapshotCodec.readMark;
import static io.tunnelstore.coordinator.TunnelSnapshotCodec.readString;
import static io.tunnelstore.coordinator.TunnelSnapshotCodec.writeChannel;
import static io.tunnelstore.coordinator.TunnelSnapshotCodec.writeMark;
import static io.tunnelstore.coordinator.TunnelSnapshotCodec.writeString;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Binary form of one {@link TunnelRecord} value (its key travels separately, as the store's key). Big-endian,
 * {@link DataOutputStream} primitives, the same field encodings as {@link TunnelSnapshotCodec} format 2:
 *
 * <pre>
 * value   := kind:int8 formatVersion:int8(1) body
 * header  := kind 'H'  stage:str(wire name) mark(expired) mark(disabled) nextClientSerial:int64 changeCount:int64
 * channel := kind 'C'  channel (as in a snapshot, with the suspended flag)
 * client  := kind 'S'  id:str tag:str timeoutMillis:int64 lastHeartbeatMillis:int64
 * loss    := kind 'L'  index:int32 channelId:str atMillis:int64 lostFrom:str resumedAt:str note:str
 * </pre>
 *
 * {@link TunnelRecord.ClientGone} has no value (the store deletes the key). Stateless and thread-safe.
 */
public final class TunnelRecordCodec {

    private static final byte FORMAT_VERSION = 1;

    private TunnelRecordCodec() {}

    /**
     * Serializes {@code record}.
     *
     * @throws IllegalArgumentException for a {@link TunnelRecord.ClientGone}, which is stored as a delete
     */
    public static byte[] encode(TunnelRecord record) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            if (record instanceof TunnelRecord.Header h) {
                out.writeByte('H');
                out.writeByte(FORMAT_VERSION);
                writeString(out, h.stage().wireName());
                writeMark(out, h.expired());
                writeMark(out, h.disabled());
                out.writeLong(h.nextClientSerial());
                out.writeLong(h.changeCount());
            } else if (record instanceof TunnelRecord.Channel c) {
                out.writeByte('C');
                out.writeByte(FORMAT_VERSION);
                writeChannel(out, new TunnelSnapshot.ChannelEntry(c.definition(), c.state()));
            } else if (record instanceof TunnelRecord.Client c) {
                out.writeByte('S');
                out.writeByte(FORMAT_VERSION);
                writeString(out, c.session().clientId());
                writeString(out, c.session().clientTag());
                out.writeLong(c.session().timeoutMillis());
                out.writeLong(c.session().lastHeartbeatMillis());
            } else if (record instanceof TunnelRecord.Loss l) {
                out.writeByte('L');
                out.writeByte(FORMAT_VERSION);
                out.writeInt(l.index());
                writeString(out, l.event().channelId());
                out.writeLong(l.event().atMillis());
                writeString(out, l.event().lostFromToken());
                writeString(out, l.event().resumedAtToken());
                writeString(out, l.event().note());
            } else {
                throw new IllegalArgumentException("a " + record.getClass().getSimpleName() + " has no stored value");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory stream failed", e); // cannot happen with a byte array
        }
        return bytes.toByteArray();
    }

    /**
     * Parses bytes produced by {@link #encode}.
     *
     * @throws IllegalArgumentException if the bytes are truncated, corrupt, or of an unknown kind or format version
     */
    public static TunnelRecord decode(byte[] data) {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
        int limit = data.length;
        try {
            int kind = in.readByte();
            byte version = in.readByte();
            if (version != FORMAT_VERSION) {
                throw new IllegalArgumentException("unsupported tunnel record format version " + version);
            }
            TunnelRecord record = switch (kind) {
                case 'H' -> new TunnelRecord.Header(TunnelStage.fromWireName(readString(in, limit)),
                        readMark(in, limit), readMark(in, limit), in.readLong(), in.readLong());
                case 'C' -> {
                    TunnelSnapshot.ChannelEntry e = readChannel(in, limit, true);
                    yield new TunnelRecord.Channel(e.definition(), e.state());
                }
                case 'S' -> new TunnelRecord.Client(new ClientSession(readString(in, limit), readString(in, limit),
                        in.readLong(), in.readLong()));
                case 'L' -> new TunnelRecord.Loss(in.readInt(), new LossEvent(readString(in, limit), in.readLong(),
                        readString(in, limit), readString(in, limit), readString(in, limit)));
                default -> throw new IllegalArgumentException("unknown tunnel record kind " + kind);
            };
            if (in.available() > 0) {
                throw new IllegalArgumentException(in.available() + " trailing bytes after tunnel record");
            }
            return record;
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated tunnel record", e);
        }
    }
}
