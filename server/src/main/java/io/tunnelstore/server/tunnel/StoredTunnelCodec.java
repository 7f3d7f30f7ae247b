package io.tunnelstore.server.tunnel;

import io.tunnelstore.coordinator.TunnelType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Layout of the metadata value {@code tunnel/<instance>/<tunnelId>}: the tunnel's {@link TunnelDefinition}.
 *
 * <p>Format (big-endian, {@link DataOutputStream}): {@code byte version}, definition fields in declaration order
 * (strings as modified UTF-8, ranges as length-prefixed bytes). Version 3 (written now) adds the base snapshot id
 * (UTF) and the re-baseline flag (boolean) after the stream channels; version 2 ends after the stream channels
 * (decoded with {@code ""} = live base reads and re-baselining on, the server default). From version 2 on the
 * coordinator's state is stored per record under {@link TunnelStore}'s state prefix. Version 1 (releases before per-channel
 * persistence) is followed by {@code int n} + n bytes of a whole {@code TunnelSnapshotCodec} snapshot; it is still
 * read, and {@link TunnelStore} migrates it at start-up.
 *
 * <p>Stateless and thread-safe.
 */
final class StoredTunnelCodec {
    private static final byte VERSION = 3;
    private static final byte VERSION_WITHOUT_SNAPSHOT_ID = 2;
    private static final byte VERSION_WITH_SNAPSHOT = 1;

    /** The decoded value; {@code legacySnapshot} is the snapshot bytes of a version-1 value, else {@code null}. */
    record StoredTunnel(TunnelDefinition definition, byte[] legacySnapshot) {}

    private StoredTunnelCodec() {}

    static String key(String instance, String tunnelId) {
        return prefix(instance) + tunnelId;
    }

    static String prefix(String instance) {
        return "tunnel/" + instance + "/";
    }

    /** The current (version 3) value: the definition alone. */
    static byte[] encode(TunnelDefinition d) {
        return encode(VERSION, d, null);
    }

    /** A version-1 value (definition + whole snapshot), as releases before version 2 wrote it; for tests. */
    static byte[] encodeVersion1(TunnelDefinition d, byte[] snapshot) {
        return encode(VERSION_WITH_SNAPSHOT, d, snapshot);
    }

    private static byte[] encode(byte version, TunnelDefinition d, byte[] snapshot) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + (snapshot == null ? 0 : snapshot.length));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(version);
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
            if (version >= 3) {
                out.writeUTF(d.baseSnapshotId());
                out.writeBoolean(d.rebaseline());
            }
            if (snapshot != null) {
                writeBytes(out, snapshot);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** @throws IllegalArgumentException when the bytes are not a stored tunnel */
    static StoredTunnel decode(byte[] value) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            byte version = in.readByte();
            if (version != VERSION && version != VERSION_WITHOUT_SNAPSHOT_ID && version != VERSION_WITH_SNAPSHOT) {
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
            String baseSnapshotId = version >= 3 ? in.readUTF() : "";
            boolean rebaseline = version < 3 || in.readBoolean();
            byte[] snapshot = version == VERSION_WITH_SNAPSHOT ? readBytes(in) : null;
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
