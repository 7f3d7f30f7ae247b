package io.tunnelstore.server.table;

import com.google.protobuf.InvalidProtocolBufferException;
import io.tunnelstore.protocol.model.ColumnValue;
import io.tunnelstore.protocol.pb.TableProtos.TableMeta;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Persistent form of a {@link TableDescriptor}: a format version, the {@code TableMeta} protobuf, then the
 * options, throughput, partitions and stream settings as fixed binary fields ({@link DataOutputStream}).
 * Partition bounds are stored with {@link CellValueCodec}. Stateless and thread-safe.
 */
final class TableDescriptorCodec {

    /** 2 added parent shard ids and the closed shards (partition splits); 1 is still read. */
    private static final int FORMAT_VERSION = 2;
    private static final int FORMAT_VERSION_WITHOUT_SPLITS = 1;

    private TableDescriptorCodec() {}

    static byte[] encode(TableDescriptor d) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(FORMAT_VERSION);
            out.writeUTF(d.instanceName());
            out.writeLong(d.tableId());
            writeBytes(out, d.meta().toByteArray());
            out.writeInt(d.timeToLiveSeconds());
            out.writeInt(d.maxVersions());
            out.writeLong(d.deviationSeconds());
            out.writeInt(d.reservedRead());
            out.writeInt(d.reservedWrite());
            out.writeLong(d.throughputChangedAtSeconds());
            out.writeLong(d.creationTimeMillis());
            out.writeInt(d.partitions().size());
            for (Partition p : d.partitions()) {
                writePartition(out, p);
            }
            StreamSettings s = d.stream();
            out.writeBoolean(s.enabled());
            out.writeBoolean(s.streamId() != null);
            if (s.streamId() != null) {
                out.writeUTF(s.streamId());
            }
            out.writeInt(s.expirationHours());
            out.writeLong(s.lastEnableTimeMillis());
            out.writeInt(s.originColumns().size());
            for (String c : s.originColumns()) {
                out.writeUTF(c);
            }
            out.writeInt(d.closedShards().size());
            for (ClosedShard c : d.closedShards()) {
                writePartition(out, c.partition());
                out.writeLong(c.finalSequence());
                out.writeLong(c.closedAtMillis());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen with an in-memory stream
        }
        return bytes.toByteArray();
    }

    /** @throws IllegalStateException when the stored bytes are not a descriptor of a known format */
    static TableDescriptor decode(byte[] stored) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(stored))) {
            int version = in.readInt();
            if (version != FORMAT_VERSION && version != FORMAT_VERSION_WITHOUT_SPLITS) {
                throw new IllegalStateException("unknown table descriptor format " + version);
            }
            String instance = in.readUTF();
            long tableId = in.readLong();
            TableMeta meta = TableMeta.parseFrom(readBytes(in));
            int ttl = in.readInt();
            int maxVersions = in.readInt();
            long deviation = in.readLong();
            int read = in.readInt();
            int write = in.readInt();
            long throughputChanged = in.readLong();
            long created = in.readLong();
            int partitionCount = in.readInt();
            List<Partition> partitions = new ArrayList<>(partitionCount);
            for (int i = 0; i < partitionCount; i++) {
                partitions.add(readPartition(in, version));
            }
            boolean enabled = in.readBoolean();
            String streamId = in.readBoolean() ? in.readUTF() : null;
            int expiration = in.readInt();
            long lastEnable = in.readLong();
            int originCount = in.readInt();
            List<String> origin = new ArrayList<>(originCount);
            for (int i = 0; i < originCount; i++) {
                origin.add(in.readUTF());
            }
            List<ClosedShard> closed = new ArrayList<>();
            if (version >= FORMAT_VERSION) {
                int closedCount = in.readInt();
                for (int i = 0; i < closedCount; i++) {
                    closed.add(new ClosedShard(readPartition(in, version), in.readLong(), in.readLong()));
                }
            }
            return new TableDescriptor(instance, tableId, meta, ttl, maxVersions, deviation, read, write,
                    throughputChanged, created, partitions,
                    new StreamSettings(enabled, streamId, expiration, lastEnable, origin), closed);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt table meta in descriptor", e);
        } catch (IOException e) {
            throw new IllegalStateException("truncated table descriptor", e);
        }
    }

    private static void writePartition(DataOutputStream out, Partition p) throws IOException {
        out.writeInt(p.index());
        writeOptionalValue(out, p.lowerInclusive());
        writeOptionalValue(out, p.upperExclusive());
        out.writeLong(p.shardId());
        out.writeLong(p.parentShardId());
        out.writeLong(p.parentSiblingShardId());
    }

    private static Partition readPartition(DataInputStream in, int version) throws IOException {
        int index = in.readInt();
        ColumnValue lower = readOptionalValue(in);
        ColumnValue upper = readOptionalValue(in);
        long shardId = in.readLong();
        if (version == FORMAT_VERSION_WITHOUT_SPLITS) {
            return new Partition(index, lower, upper, shardId);
        }
        return new Partition(index, lower, upper, shardId, in.readLong(), in.readLong());
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
        return in.readNBytes(n);
    }

    private static void writeOptionalValue(DataOutputStream out, ColumnValue v) throws IOException {
        out.writeBoolean(v != null);
        if (v != null) {
            writeBytes(out, CellValueCodec.encode(v));
        }
    }

    private static ColumnValue readOptionalValue(DataInputStream in) throws IOException {
        return in.readBoolean() ? CellValueCodec.decode(readBytes(in)) : null;
    }
}
