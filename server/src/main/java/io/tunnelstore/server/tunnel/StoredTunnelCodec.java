package io.tunnelstore.server.tunnel;

import io.tunnelstore.server.tunnel.coordinator.TunnelType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Layout of the metadata value {@code tunnel/<instance>/<tunnelId>}: the tunnel's fixed {@link TunnelDefinition}
 * and the coordinator snapshot bytes, written together so one atomic meta write keeps them consistent.
 *
 * <p>Format (big-endian, {@link DataOutputStream}): {@code byte version (2)}, definition fields in declaration order
 * (strings as modified UTF-8, ranges as length-prefixed bytes), then {@code int n} + n snapshot bytes. Version 2
 * added the base snapshot id and the re-baseline flag after the stream channels; version 1 values decode with
 * {@code ""} (live base reads) and re-baselining on (the server default).
 *
 * <p>Stateless and thread-safe.
 */
final class StoredTunnelCodec {
    private static final byte VERSION = 2;

    /** The decoded value. */
    record StoredTunnel(TunnelDefinition definition, byte[] snapshot) {}

    private StoredTunnelCodec() {}

    static String key(String instance, String tunnelId) {
        return prefix(instance) + tunnelId;
    }

    static String prefix(String instance) {
        return "tunnel/" + instance + "/";
    }

    static byte[] encode(TunnelDefinition d, byte[] snapshot) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + snapshot.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeUTF(d.tunnelId());
            out.writeUTF(d.instanceName());
            out.writeUTF(d.tableName());
            out.writeLong(d.tableId());
            out.writeUTF(d.tunnelName());
            out.writeUTF(d.type().name());
            out.writeBoolean(d.streamConfig().earliest());
            out.writeLong(d.streamConfig().startNanos());
            out.writeLong(d.streamConfig().endNanos());
            out.writeUTF(d.streamId());
            out.writeLong(d.createTimeMillis());
            out.writeInt(d.baseChannels().size());
            for (TunnelDefinition.BaseChannelSpec c : d.baseChannels()) {
                out.writeUTF(c.channelId());
                writeBytes(out, c.range().startInclusive());
                writeBytes(out, c.range().endExclusive());
            }
            out.writeInt(d.streamChannels().size());
            for (TunnelDefinition.StreamChannelSpec c : d.streamChannels()) {
                out.writeUTF(c.channelId());
                out.writeLong(c.shardId());
            }
            out.writeUTF(d.baseSnapshotId());
            out.writeBoolean(d.rebaseline());
            writeBytes(out, snapshot);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** @throws IllegalArgumentException when the bytes are not a stored tunnel */
    static StoredTunnel decode(byte[] value) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            byte version = in.readByte();
            if (version != VERSION && version != 1) {
                throw new IllegalArgumentException("unknown stored tunnel version " + version);
            }
            String tunnelId = in.readUTF();
            String instance = in.readUTF();
            String table = in.readUTF();
            long tableId = in.readLong();
            String name = in.readUTF();
            TunnelType type = TunnelType.valueOf(in.readUTF());
            TunnelDefinition.StreamRange range =
                    new TunnelDefinition.StreamRange(in.readBoolean(), in.readLong(), in.readLong());
            String streamId = in.readUTF();
            long createTime = in.readLong();
            int nBase = in.readInt();
            List<TunnelDefinition.BaseChannelSpec> base = new ArrayList<>(nBase);
            for (int i = 0; i < nBase; i++) {
                String id = in.readUTF();
                base.add(new TunnelDefinition.BaseChannelSpec(id, new KeyRange(readBytes(in), readBytes(in))));
            }
            int nStream = in.readInt();
            List<TunnelDefinition.StreamChannelSpec> stream = new ArrayList<>(nStream);
            for (int i = 0; i < nStream; i++) {
                stream.add(new TunnelDefinition.StreamChannelSpec(in.readUTF(), in.readLong()));
            }
            String baseSnapshotId = version >= 2 ? in.readUTF() : "";
            boolean rebaseline = version < 2 || in.readBoolean();
            byte[] snapshot = readBytes(in);
            if (in.available() > 0) {
                throw new IllegalArgumentException("trailing bytes after stored tunnel");
            }
            return new StoredTunnel(new TunnelDefinition(tunnelId, instance, table, tableId, name, type, range,
                    streamId, createTime, base, stream, baseSnapshotId, rebaseline), snapshot);
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt stored tunnel: " + e.getMessage(), e);
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw new IOException("bad length " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}
