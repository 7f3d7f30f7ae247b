package io.tunnelstore.server.tunnel;

import io.tunnelstore.protocol.pb.TunnelProtos;
import io.tunnelstore.protocol.pb.TunnelProtos.ReadRecordsRequest;
import io.tunnelstore.protocol.pb.TunnelProtos.ReadRecordsResponse;
import io.tunnelstore.server.http.RequestContext;
import io.tunnelstore.server.table.TableCatalog;
import io.tunnelstore.server.table.TableDescriptor;
import io.tunnelstore.server.tunnel.TunnelDefinition.BaseChannelSpec;
import io.tunnelstore.server.tunnel.TunnelDefinition.StreamChannelSpec;
import io.tunnelstore.storage.LogBounds;
import io.tunnelstore.storage.StorageEngine;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ReadRecords: decodes the token, reads the channel's data (base rows or change log) and mints the next token.
 *
 * <ul>
 *   <li>Reads do not go through the tunnel's queue (they only touch storage); the records handed out are then
 *       counted into the coordinator (channel_count, consume point) asynchronously.</li>
 *   <li>A caught-up stream channel long-polls: the request waits for the shard's next change-log append (or
 *       {@link TunnelServiceConfig#longPollWait()}) and then reads once more, so a change reaches an idle consumer
 *       in milliseconds without a tight polling loop.</li>
 *   <li>A drained stream channel of a shard closed by a partition split answers {@code finished}; its split
 *       children are then added to the tunnel (if the tick has not done so yet).</li>
 *   <li>A stream position older than the retained log is moved to the oldest kept record; the loss is recorded in
 *       the coordinator ({@code resetToToken}) and logged.</li>
 * </ul>
 * Channel ownership is not checked (GetCheckpoint/ReadRecords work for tools without a worker; the checkpoint is
 * what is fenced). Thread-safe.
 */
final class RecordReader {
    private static final Logger LOG = LoggerFactory.getLogger(RecordReader.class);

    private final TunnelRegistry registry;
    private final TableCatalog catalog;
    private final StorageEngine storage;
    private final BaseChannelReader baseReader;
    private final StreamChannelReader streamReader;
    private final LogWaiters waiters;
    private final Executor pool;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final TunnelServiceConfig config;
    private final TunnelSnapshots snapshots;
    private final TunnelEvents events;
    private final java.util.concurrent.atomic.AtomicLong rebaselineCounter = new java.util.concurrent.atomic.AtomicLong();

    RecordReader(TunnelRegistry registry, TableCatalog catalog, StorageEngine storage, TunnelSnapshots snapshots,
                 TunnelEvents events, LogWaiters waiters, Executor pool, ScheduledExecutorService scheduler,
                 Clock clock, TunnelServiceConfig config) {
        this.snapshots = snapshots;
        this.events = events;
        this.registry = registry;
        this.catalog = catalog;
        this.storage = storage;
        this.baseReader = new BaseChannelReader(storage);
        this.streamReader = new StreamChannelReader(storage);
        this.waiters = waiters;
        this.pool = pool;
        this.scheduler = scheduler;
        this.clock = clock;
        this.config = config;
    }

    /**
     * Stage times of one traced read ({@code tunnelstore_trace_stages}), {@link System#nanoTime()}; 0 = not reached.
     * Written by the threads the read passes through, one after the other.
     */
    private static final class StageStamps {
        final long received;
        final RequestContext.Timing before;
        volatile long writeStart;
        volatile long durable;
        volatile long wake;

        StageStamps(long received, RequestContext.Timing before) {
            this.received = received;
            this.before = before;
        }

        TunnelProtos.TunnelstoreReadStages toProto(long built) {
            return TunnelProtos.TunnelstoreReadStages.newBuilder().setReceivedNanos(received)
                    .setDurableNanos(durable).setWalWriteNanos(durable > 0 ? durable - writeStart : 0)
                    .setWakeNanos(wake).setBuiltNanos(built).setAdmittedNanos(before.admittedNanos())
                    .setQueuedNanos(before.queuedNanos()).setStartedNanos(before.startedNanos()).build();
        }
    }

    CompletionStage<ReadRecordsResponse> read(String instance, ReadRecordsRequest request) {
        return read(instance, request, RequestContext.Timing.UNKNOWN);
    }

    /** As {@link #read(String, ReadRecordsRequest)}; {@code timing} is reported to a worker tracing its reads. */
    CompletionStage<ReadRecordsResponse> read(String instance, ReadRecordsRequest request,
                                              RequestContext.Timing timing) {
        StageStamps stamps = request.getTunnelstoreTraceStages() ? new StageStamps(System.nanoTime(), timing) : null;
        TunnelRuntime rt = registry.require(instance, request.getTunnelId());
        if (rt.unusable()) {
            throw TunnelErrors.expired(rt.tunnelId());
        }
        String channelId = request.getChannelId();
        if (TunnelTokenCodec.FINISHED.equals(request.getToken())) {
            return CompletableFuture.completedFuture(
                    ReadRecordsResponse.newBuilder().setNextToken(TunnelTokenCodec.FINISHED).build());
        }
        ChannelPosition position;
        try {
            position = TunnelTokenCodec.decode(request.getToken());
        } catch (IllegalArgumentException e) {
            throw TunnelErrors.invalid("invalid token for channel %s: %s", channelId, e.getMessage());
        }
        TunnelDefinition def = rt.definition();
        TableDescriptor table = catalog.findById(def.tableId())
                .orElseThrow(() -> TunnelErrors.tableNotExist(def.tableName()));

        Optional<BaseChannelSpec> base = def.baseChannel(channelId);
        if (base.isPresent()) {
            if (!(position instanceof ChannelPosition.Base from)) {
                throw TunnelErrors.invalid("token of channel %s is not a base-data token", channelId);
            }
            byte[] next = from.nextRowKey();
            if (next.length > 0 && !base.get().range().contains(next)) {
                throw TunnelErrors.invalid("token of channel %s points outside the channel's key range", channelId);
            }
            ReadBatch batch = baseReader.read(baseSource(def), table, base.get().range(), from,
                    config.maxRecordsPerRead(), config.maxBytesPerRead(), clock.millis());
            return CompletableFuture.completedFuture(respond(rt, channelId, from, batch, stamps));
        }
        StreamChannelSpec stream = def.streamChannel(channelId)
                .orElseThrow(() -> TunnelErrors.invalid("channel %s does not exist in tunnel %s", channelId,
                        rt.tunnelId()));
        if (position instanceof ChannelPosition.Resync resync && resync.shardId() == stream.shardId()) {
            return CompletableFuture.completedFuture(readResync(def, table, channelId, resync));
        }
        if (!(position instanceof ChannelPosition.Stream from) || from.shardId() != stream.shardId()) {
            throw TunnelErrors.invalid("token of channel %s is not a token of its stream shard", channelId);
        }
        Optional<ChannelPosition.Stream> trimmed = streamReader.trimmedResumePosition(table.tableId(), from);
        if (trimmed.isPresent() && canRebaseline(def, table, stream.shardId())) {
            ChannelPosition.Resync resync = startRebaseline(rt, channelId, table, from, trimmed.get());
            return CompletableFuture.completedFuture(readResync(def, table, channelId, resync));
        }
        ChannelPosition.Stream start = skipTrimmed(rt, channelId, table, from);
        ReadBatch batch = readStream(def, start);
        if (batch.finished() && table.isShardClosed(stream.shardId())) {
            // the parent is drained: make sure its split children are channels before the worker reports it
            // TERMINATED (the tick would add them too, later)
            rt.addStreamChannels(d -> SplitChildChannels.missing(d, table)).exceptionally(e -> {
                LOG.warn("Tunnel {}: could not add the channels of shard {}'s children", rt.tunnelId(),
                        stream.shardId(), e);
                return 0;
            });
        }
        if (!batch.records().isEmpty() || batch.finished() || config.longPollWait().isZero()) {
            return CompletableFuture.completedFuture(respond(rt, channelId, start, batch, stamps));
        }
        return longPoll(def, start, stamps).thenApply(b -> respond(rt, channelId, start, b, stamps));
    }

    /**
     * Whether a trimmed position of this shard can be re-baselined: the tunnel wants it, the engine has snapshots and
     * the shard still owns a key range (a shard closed by a split hands its keys to its children, whose channels
     * start at their first record; re-reading the parent's range would duplicate them — the old loss path applies).
     */
    private boolean canRebaseline(TunnelDefinition def, TableDescriptor table, long shardId) {
        return def.rebaseline() && snapshots.available() && !table.isShardClosed(shardId)
                && table.partitionByShard(shardId).isPresent();
    }

    /**
     * Starts a re-baseline of a stream channel whose position fell behind retention: a fresh snapshot, the channel's
     * checkpoint moved to "read the shard's key range from it, then the log after it" (sequence bumped, so a stale
     * in-flight checkpoint is refused), and a REBASELINE event in the tunnel's history.
     */
    private ChannelPosition.Resync startRebaseline(TunnelRuntime rt, String channelId, TableDescriptor table,
                                                   ChannelPosition.Stream from, ChannelPosition.Stream trimmedTo) {
        long now = clock.millis();
        String id = "rb-" + rt.tunnelId() + "-" + from.shardId() + "-" + now + "-"
                + rebaselineCounter.incrementAndGet();
        io.tunnelstore.storage.StorageSnapshot snapshot = snapshots.createPinned(id);
        long resume = snapshot.logPosition(table.tableId(), from.shardId()) + 1;
        ChannelPosition.Resync resync = new ChannelPosition.Resync(from.shardId(), resume, id, new byte[0],
                from.nextSequence(), trimmedTo.nextSequence() - 1, from.consumedUpToMicros(), from.totalCount());
        String detail = String.format("change-log records %d..%d of shard %d were trimmed (retention %d h) before "
                        + "they were consumed; re-baselining the shard's key range from snapshot %s, then the log "
                        + "from %d", from.nextSequence(), trimmedTo.nextSequence() - 1, from.shardId(),
                table.stream().expirationHours(), id, resume);
        LOG.warn("Tunnel {} channel {}: re-baseline: {}", rt.tunnelId(), channelId, detail);
        String token = TunnelTokenCodec.encode(resync);
        rt.call(c -> {
            c.moveCheckpoint(now, channelId, token);
            return null;
        }).whenComplete((v, e) -> {
            snapshots.unpin(id); // referenced by the checkpoint now (or garbage if the move failed)
            if (e != null) {
                LOG.warn("Tunnel {} channel {}: could not record the re-baseline", rt.tunnelId(), channelId, e);
            }
        });
        events.append(rt.definition().instanceName(), rt.tunnelId(),
                new TunnelEvents.Event(now, TunnelEvents.REBASELINE, channelId, detail, "server"));
        return resync;
    }

    /**
     * One batch of a re-baseline: the current rows of the shard's key range from the snapshot (PUT_ROW, no sequence
     * info, like base data), with the resync-begin marker on the first batch and the resync-end marker on the last,
     * whose next token continues the change log right after the snapshot.
     */
    private ReadRecordsResponse readResync(TunnelDefinition def, TableDescriptor table, String channelId,
                                           ChannelPosition.Resync at) {
        io.tunnelstore.storage.StorageSnapshot snapshot = snapshots.find(at.snapshotId())
                .orElseThrow(() -> TunnelErrors.invalid("the re-baseline snapshot of channel %s no longer exists",
                        channelId));
        io.tunnelstore.server.table.Partition partition = table.partitionByShard(at.shardId())
                .orElseThrow(() -> TunnelErrors.invalid("shard %d of channel %s no longer has a key range",
                        at.shardId(), channelId));
        KeyRange range = new KeyRange(partition.startKeyInclusive(), partition.endKeyExclusive());
        byte[] next = at.nextRowKey();
        if (next.length > 0 && !range.contains(next)) {
            throw TunnelErrors.invalid("token of channel %s points outside the channel's key range", channelId);
        }
        ReadBatch batch = baseReader.read(snapshot::scan, table, range, new ChannelPosition.Base(next, 0),
                config.maxRecordsPerRead(), config.maxBytesPerRead(), clock.millis());
        int n = batch.records().size();
        ReadRecordsResponse.Builder out = ReadRecordsResponse.newBuilder().addAllRecords(batch.records());
        io.tunnelstore.protocol.pb.TunnelProtos.TunnelstoreResyncMarker marker = resyncMarker(table, partition,
                channelId, at);
        if (next.length == 0) {
            out.setTunnelstoreResyncBegin(marker);
        }
        if (batch.finished()) {
            out.setTunnelstoreResyncEnd(marker)
                    .setNextToken(TunnelTokenCodec.encode(new ChannelPosition.Stream(at.shardId(),
                            at.resumeSequence(), at.consumedUpToMicros(), at.totalCount() + n)))
                    .setMayMoreRecord(true);
        } else {
            ChannelPosition.Base b = (ChannelPosition.Base) batch.next();
            out.setNextToken(TunnelTokenCodec.encode(at.advancedTo(b.nextRowKey(), n))).setMayMoreRecord(true);
        }
        return out.build();
    }

    private static io.tunnelstore.protocol.pb.TunnelProtos.TunnelstoreResyncMarker resyncMarker(
            TableDescriptor table, io.tunnelstore.server.table.Partition p, String channelId,
            ChannelPosition.Resync at) {
        var m = io.tunnelstore.protocol.pb.TunnelProtos.TunnelstoreResyncMarker.newBuilder()
                .setChannelId(channelId).setLostFromSequence(at.lostFrom()).setLostToSequence(at.lostTo())
                .setResumeSequence(at.resumeSequence());
        String pkName = table.primaryKeySchema().get(0).getName();
        if (p.lowerInclusive() != null) {
            m.setRangeStart(boundRow(pkName, p.lowerInclusive()));
        }
        if (p.upperExclusive() != null) {
            m.setRangeEnd(boundRow(pkName, p.upperExclusive()));
        }
        return m.build();
    }

    private static com.google.protobuf.ByteString boundRow(String pkName,
                                                          io.tunnelstore.protocol.model.ColumnValue value) {
        io.tunnelstore.protocol.model.PrimaryKey pk = io.tunnelstore.protocol.model.PrimaryKey.of(
                io.tunnelstore.protocol.model.PrimaryKeyColumn.of(pkName, value));
        return com.google.protobuf.ByteString.copyFrom(io.tunnelstore.protocol.plainbuffer.PlainBufferCodec
                .encodeRow(io.tunnelstore.protocol.model.PlainRow.of(pk, List.of())));
    }

    /** The tunnel's base snapshot, or the live table for tunnels created without one. */
    private BaseChannelReader.RowSource baseSource(TunnelDefinition def) {
        if (def.baseSnapshotId().isEmpty()) {
            return storage::scan;
        }
        return snapshots.find(def.baseSnapshotId()).<BaseChannelReader.RowSource>map(s -> s::scan)
                .orElseThrow(() -> TunnelErrors.invalid("the base data snapshot of tunnel %s no longer exists "
                        + "(its base phase is over)", def.tunnelId()));
    }

    private ReadBatch readStream(TunnelDefinition def, ChannelPosition.Stream from) {
        // read the closed flag before the log: every record of a closed shard is already there
        boolean closed = catalog.findById(def.tableId()).map(t -> t.isShardClosed(from.shardId())).orElse(false);
        return streamReader.read(def.tableId(), from, def.streamConfig().endMicros(), clock.millis() * 1000, closed,
                config.maxRecordsPerRead(), config.maxBytesPerRead());
    }

    /** Moves a position that fell behind retention to the oldest kept record, recording the loss. */
    private ChannelPosition.Stream skipTrimmed(TunnelRuntime rt, String channelId, TableDescriptor table,
                                               ChannelPosition.Stream from) {
        Optional<ChannelPosition.Stream> resumed = streamReader.trimmedResumePosition(table.tableId(), from);
        if (resumed.isEmpty()) {
            return from;
        }
        ChannelPosition.Stream to = resumed.get();
        String note = String.format("change-log records %d..%d of shard %d were trimmed (retention %d h) before "
                        + "they were consumed; resumed at %d", from.nextSequence(), to.nextSequence() - 1,
                from.shardId(), table.stream().expirationHours(), to.nextSequence());
        LOG.warn("Tunnel {} channel {}: data loss: {}", rt.tunnelId(), channelId, note);
        long now = clock.millis();
        events.append(rt.definition().instanceName(), rt.tunnelId(),
                new TunnelEvents.Event(now, TunnelEvents.DATA_LOSS, channelId, note, "server"));
        String token = TunnelTokenCodec.encode(to);
        rt.call(c -> {
            c.resetToToken(now, channelId, token, note);
            return null;
        }).exceptionally(e -> {
            LOG.warn("Tunnel {} channel {}: could not record the data loss", rt.tunnelId(), channelId, e);
            return null;
        });
        return to;
    }

    /**
     * Waits for the shard's next append (or the long-poll timeout), then reads once more. Completes on the pool.
     */
    private CompletionStage<ReadBatch> longPoll(TunnelDefinition def, ChannelPosition.Stream from,
                                                StageStamps stamps) {
        CompletableFuture<ReadBatch> result = new CompletableFuture<>();
        AtomicBoolean fired = new AtomicBoolean();
        AtomicReference<ScheduledFuture<?>> timer = new AtomicReference<>();
        AtomicReference<LogWaiters.Waiter> waiter = new AtomicReference<>();
        Runnable fire = () -> {
            if (!fired.compareAndSet(false, true)) {
                return;
            }
            LogWaiters.Waiter w = waiter.get();
            if (w != null) {
                w.cancel();
                if (stamps != null) {
                    stamps.writeStart = w.writeStartNanos();
                    stamps.durable = w.durableNanos();
                }
            }
            ScheduledFuture<?> t = timer.get();
            if (t != null) {
                t.cancel(false);
            }
            try {
                pool.execute(() -> {
                    if (stamps != null) {
                        stamps.wake = System.nanoTime();
                    }
                    try {
                        result.complete(readStream(def, from));
                    } catch (RuntimeException e) {
                        result.completeExceptionally(e);
                    }
                });
            } catch (RejectedExecutionException e) {
                // never throw into the committing thread or the scheduler: the module is closing
                result.completeExceptionally(TunnelErrors.shuttingDown());
            }
        };
        waiter.set(waiters.await(def.tableId(), from.shardId(), from.nextSequence(), fire));
        try {
            timer.set(scheduler.schedule(fire, config.longPollWait().toMillis(), TimeUnit.MILLISECONDS));
        } catch (RejectedExecutionException e) {
            fire.run(); // server stopping: answer now instead of waiting
        }
        // An append between the first read and the registration above would otherwise be missed until the timeout.
        LogBounds bounds = storage.logBounds(def.tableId(), from.shardId());
        if (!bounds.isEmpty() && bounds.lastSequence() >= from.nextSequence()) {
            fire.run();
        }
        return result;
    }

    private ReadRecordsResponse respond(TunnelRuntime rt, String channelId, ChannelPosition from, ReadBatch batch,
                                        StageStamps stamps) {
        int n = batch.records().size();
        if (n > 0) {
            long latestMillis = batch.lastCommitMicros() / 1000;
            rt.call(c -> c.recordRead(channelId, latestMillis)).exceptionally(e -> false);
        }
        if (batch.finished()) {
            // "finished" carries no count: remember the final one for when the worker checkpoints "finished"
            long total = from.totalCount() + n;
            rt.call(c -> c.recordFinalCount(channelId, total)).exceptionally(e -> false);
        }
        ReadRecordsResponse.Builder out = ReadRecordsResponse.newBuilder()
                .addAllRecords(batch.records())
                .setNextToken(batch.finished() ? TunnelTokenCodec.FINISHED : TunnelTokenCodec.encode(batch.next()))
                .setMayMoreRecord(batch.mayHaveMore());
        if (stamps != null) {
            out.setTunnelstoreStages(stamps.toProto(System.nanoTime()));
        }
        // buildPartial: next_token is set and every record was complete when built; build() would walk all
        // records of the batch (up to 10,000) again to check their required fields
        return out.buildPartial();
    }
}
