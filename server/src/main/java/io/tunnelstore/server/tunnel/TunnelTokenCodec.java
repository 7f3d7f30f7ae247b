package io.tunnelstore.server.tunnel;

import com.google.protobuf.ByteString;
import io.tunnelstore.protocol.pb.TunnelProtos.TokenContentV2;
import io.tunnelstore.protocol.tunnel.TunnelTokens;

/**
 * Maps channel positions to and from the Base64 {@code Token{version 2, TokenContentV2}} strings the official SDKs
 * expect (PROTOCOL.md §6.1; framing by {@link TunnelTokens}).
 *
 * <p>Base channels: {@code iterator} empty, {@code primary_key} = the order-preserving storage key of the next row
 * (server-internal encoding), {@code total_count}. Stream channels: {@code iterator} = {@code "<shardId>:<nextSeq>"}
 * (non-empty, so the SDKs apply their idle back-off), {@code timestamp} = consume point in µs, {@code total_count}.
 * Re-baselining stream channels: {@code iterator} = {@code "<shardId>:<resumeSeq>:rb:<snapshotId>:<lostFrom>:<lostTo>"},
 * {@code primary_key} = the next row key of the range (empty = its start).
 *
 * <p>Stateless and thread-safe.
 */
final class TunnelTokenCodec {
    /** The end-of-channel sentinel (next_token, checkpoint and GetCheckpoint value). */
    static final String FINISHED = TunnelTokens.FINISHED;

    private static final String RESYNC = ":rb:";

    private TunnelTokenCodec() {}

    static String encode(ChannelPosition position) {
        TokenContentV2.Builder content = TokenContentV2.newBuilder().setTotalCount(position.totalCount());
        if (position instanceof ChannelPosition.Base b) {
            content.setPrimaryKey(ByteString.copyFrom(b.nextRowKey()));
        } else if (position instanceof ChannelPosition.Stream s) {
            content.setIterator(s.shardId() + ":" + s.nextSequence()).setTimestamp(s.consumedUpToMicros());
        } else if (position instanceof ChannelPosition.Resync r) {
            content.setIterator(r.shardId() + ":" + r.resumeSequence() + RESYNC + r.snapshotId() + ":" + r.lostFrom()
                            + ":" + r.lostTo())
                    .setPrimaryKey(ByteString.copyFrom(r.nextRowKey())).setTimestamp(r.consumedUpToMicros());
        }
        return TunnelTokens.encode(content.build());
    }

    /**
     * Decodes a token minted by {@link #encode}.
     *
     * @throws IllegalArgumentException when the string is not such a token (caller answers OTSParameterInvalid)
     */
    static ChannelPosition decode(String token) {
        TokenContentV2 content = TunnelTokens.decode(token);
        if (content.getTotalCount() < 0) {
            throw new IllegalArgumentException("negative total_count in tunnel token");
        }
        String iterator = content.getIterator();
        if (iterator.isEmpty()) {
            return new ChannelPosition.Base(content.getPrimaryKey().toByteArray(), content.getTotalCount());
        }
        int colon = iterator.indexOf(':');
        int resync = iterator.indexOf(RESYNC);
        try {
            if (resync > 0) {
                String[] head = iterator.substring(0, resync).split(":");
                String[] tail = iterator.substring(resync + RESYNC.length()).split(":");
                if (head.length != 2 || tail.length != 3) {
                    throw new IllegalArgumentException("bad re-baseline iterator");
                }
                return new ChannelPosition.Resync(Long.parseLong(head[0]), Long.parseLong(head[1]), tail[0],
                        content.getPrimaryKey().toByteArray(), Long.parseLong(tail[1]), Long.parseLong(tail[2]),
                        content.getTimestamp(), content.getTotalCount());
            }
            long shard = Long.parseLong(iterator.substring(0, colon));
            long seq = Long.parseLong(iterator.substring(colon + 1));
            return new ChannelPosition.Stream(shard, seq, content.getTimestamp(), content.getTotalCount());
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed stream iterator '" + iterator + "' in tunnel token", e);
        }
    }
}
