package io.tunnelstore.testkit;

import io.tunnelstore.client.ChannelInfo;
import io.tunnelstore.client.StreamDetails;
import io.tunnelstore.client.TunnelClient;
import io.tunnelstore.client.TunnelDescription;
import io.tunnelstore.protocol.pb.TunnelProtos;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault injection for one {@link TunnelstoreHandle}: network faults between the handed-out clients and the server
 * (through the {@link FaultProxy}), and server-side events that are hard to provoke on a real service — a channel
 * rebalance or revocation, stream retention running out, client sessions timing out.
 *
 * <p>The server-side faults are synchronous: when the method returns, the server has applied the change (the tunnel
 * queues were flushed); workers notice it on their next call (the next heartbeat for ownership changes, at most one
 * heartbeat interval later). They talk to the server directly, so they work while the proxy is faulty.
 *
 * <p>Thread-safe.
 */
public final class Faults {

    private static final Logger log = LoggerFactory.getLogger(Faults.class);
    /** The SDK worker's default heartbeat timeout, which it sends as its session timeout. */
    public static final Duration DEFAULT_CLIENT_TIMEOUT = Duration.ofSeconds(300);
    /** How far past a deadline the clock is moved, so "older than" comparisons are strictly true. */
    private static final Duration MARGIN = Duration.ofSeconds(1);
    private static final int REBALANCE_ATTEMPTS = 3;
    /** How long {@link #forceRebalance(String, String)} waits for the hand-overs. */
    public static final Duration DEFAULT_REBALANCE_TIMEOUT = Duration.ofSeconds(30);

    private final TunnelstoreHandle handle;

    Faults(TunnelstoreHandle handle) {
        this.handle = handle;
    }

    /** The proxy in front of the server (for connection counts and the less common controls). */
    public FaultProxy proxy() {
        return handle.faultProxy();
    }

    /** Closes every open client connection; see {@link FaultProxy#dropConnections()}. */
    public int dropConnections() {
        return proxy().dropConnections();
    }

    /** Holds every response for {@code delay}; see {@link FaultProxy#delayResponses(Duration)}. */
    public void delayResponses(Duration delay) {
        proxy().delayResponses(delay);
    }

    /** Removes the response delay. */
    public void clearDelay() {
        proxy().clearDelay();
    }

    /** Swallows all proxied traffic for {@code duration}; see {@link FaultProxy#blackhole(Duration)}. */
    public void blackhole(Duration duration) {
        proxy().blackhole(duration);
    }

    /**
     * Runs the tunnel service's periodic task now (session expiry, retention rules) at the clock's current time,
     * and waits until every tunnel has applied it.
     */
    public void tick() {
        handle.tunnelModule().tick();
        flushTunnelQueues();
    }

    /**
     * {@link #expireClientSessions(Duration)} for workers with the SDK's default heartbeat timeout
     * ({@link #DEFAULT_CLIENT_TIMEOUT}).
     */
    public void expireClientSessions() {
        expireClientSessions(DEFAULT_CLIENT_TIMEOUT);
    }

    /**
     * Makes the server drop every client session as if the clients had stopped heartbeating: advances the clock
     * past {@code clientTimeout} (use the largest heartbeat timeout of your workers) and runs the tick. Their
     * channels are released at the last committed checkpoint; on its next heartbeat each worker gets
     * {@code OTSResourceGone}, drops its channels ({@code onLost}) and reconnects under a new client id, so
     * records processed since the last checkpoint are delivered again.
     */
    public void expireClientSessions(Duration clientTimeout) {
        Objects.requireNonNull(clientTimeout, "clientTimeout");
        handle.clock().advance(clientTimeout.plus(MARGIN));
        tick();
        log.info("Expired client sessions (clock advanced past {})", clientTimeout);
    }

    /** {@link #expireRetention(String, Duration)} with a one-minute margin. */
    public long expireRetention(String tableName) {
        return expireRetention(tableName, Duration.ofMinutes(1));
    }

    /**
     * Lets the stream retention of {@code tableName} run out for everything written so far: advances the clock by
     * the table's stream expiration plus {@code beyond}, deletes the expired change-log records, and runs the
     * tunnel tick. What consumers then see (docs/tunnel-service.md, "Retention and expiry"):
     * <ul>
     *   <li>a BaseAndStream tunnel still in its base phase is expired: its workers stop with
     *       {@code OTSTunnelExpired};</li>
     *   <li>a stream channel whose checkpoint points at a trimmed record resumes at the oldest record kept
     *       (the trimmed changes are lost, and the server records a loss event).</li>
     * </ul>
     * Note that every table's records age by the same amount: the clock is shared.
     *
     * @return how many change-log records were deleted (of all tables)
     * @throws IllegalStateException if the table has no stream
     */
    public long expireRetention(String tableName, Duration beyond) {
        Objects.requireNonNull(beyond, "beyond");
        if (beyond.isNegative()) {
            throw new IllegalArgumentException("beyond must not be negative: " + beyond);
        }
        StreamDetails stream = handle.directTableClient().describeTable(tableName).stream();
        if (!stream.enabled()) {
            throw new IllegalStateException("table " + tableName + " has no stream, so nothing can expire");
        }
        handle.clock().advance(Duration.ofHours(stream.expirationHours()).plus(beyond));
        long trimmed = handle.tableModule().trimExpired(handle.clock().millis());
        tick();
        log.info("Stream retention of {} ({} h) expired: {} change-log record(s) trimmed", tableName,
                stream.expirationHours(), trimmed);
        return trimmed;
    }

    /** {@link #forceRebalance(String, String, Duration)} waiting up to {@link #DEFAULT_REBALANCE_TIMEOUT}. */
    public List<ChannelMove> forceRebalance(String tableName, String tunnelName) {
        return forceRebalance(tableName, tunnelName, DEFAULT_REBALANCE_TIMEOUT);
    }

    /**
     * Makes the server move every OPEN channel of the tunnel to another client, gracefully, and waits until each
     * one is OPEN on a new owner.
     *
     * <p>How: through the tunnel service's schedule operation ({@code tunnel/schedule}, here
     * {@link io.tunnelstore.server.tunnel.TunnelModule#schedule}) each channel is suspended ({@code CLOSING}) and at
     * once resumed ({@code OPEN}). The owner learns of the CLOSING at its next heartbeat, finishes its in-flight
     * batch, commits its position and reports CLOSE ({@code onLost} on its processor); in that same heartbeat the
     * coordinator hands the channel to another live client — never straight back to the one that released it while
     * another exists. The new owner starts from the committed position, so a graceful move delivers nothing twice.
     * It takes up to two heartbeat intervals of the owner (10 s with {@link TunnelstoreHandle#workerConfig}).
     *
     * @return the moved channels with their old and new owner, in channel-id order
     * @throws AssertionError        if a channel is not on another client within {@code timeout} (e.g. no other
     *                               worker is running: a sole client gets its channel back)
     * @throws IllegalStateException if the tunnel does not exist or the server refuses the schedule
     */
    public List<ChannelMove> forceRebalance(String tableName, String tunnelName, Duration timeout) {
        TunnelClient admin = handle.directTunnelClient();
        TunnelDescription before = admin.describeTunnel(tableName, tunnelName);
        String tunnelId = before.tunnel().tunnelId();
        Map<String, String> ownerByChannel = openChannelOwners(before);
        for (String channel : ownerByChannel.keySet()) {
            // Suspend then resume: the channel finishes its hand-over, then is assigned anew.
            schedule(tunnelId, channel, TunnelProtos.ChannelStatus.CLOSING);
            schedule(tunnelId, channel, TunnelProtos.ChannelStatus.OPEN);
        }
        log.info("Asked the owners of {} of tunnel {}/{} to hand them over", ownerByChannel.keySet(), tableName,
                tunnelName);
        Map<String, String> newOwners = new LinkedHashMap<>();
        Await.until(() -> {
            newOwners.clear();
            for (ChannelInfo c : admin.describeTunnel(tableName, tunnelName).channels()) {
                String from = ownerByChannel.get(c.channelId());
                if (from != null && c.status() == ChannelInfo.Status.OPEN && c.ownerClientId() != null
                        && !c.ownerClientId().equals(from)) {
                    newOwners.put(c.channelId(), c.ownerClientId());
                }
            }
            return newOwners.size() == ownerByChannel.size();
        }, timeout, () -> "channels " + ownerByChannel.keySet() + " to move away from " + ownerByChannel
                + "; moved so far: " + newOwners);
        List<ChannelMove> moves = new ArrayList<>();
        ownerByChannel.forEach((channel, from) -> moves.add(new ChannelMove(channel, from, newOwners.get(channel))));
        log.info("Rebalanced tunnel {}/{}: {}", tableName, tunnelName, moves);
        return List.copyOf(moves);
    }

    /**
     * Takes every OPEN channel of the tunnel away from its owner <em>abruptly</em>, as if the owner had crashed
     * right after a checkpoint: the kit releases each channel on behalf of its owner (a heartbeat under the owner's
     * client id reporting the channel CLOSE one version above the server's), and the coordinator hands it to
     * another live client that has heartbeated, in the same step. The owner is not asked: it learns at its next
     * heartbeat that the channel is gone ({@code onLost}), and nothing it processed since its last checkpoint is
     * committed — the new owner delivers those records again. Use it to test duplicate handling; use
     * {@link #forceRebalance} for the graceful hand-over.
     *
     * @return the revoked channels with their old owner and the owner right after the step ({@code null} when no
     *         other client had heartbeated yet; the next client to heartbeat takes the channel), in channel-id order
     * @throws IllegalStateException when the tunnel does not exist or the release keeps being overtaken
     */
    public List<ChannelMove> revokeChannels(String tableName, String tunnelName) {
        TunnelClient admin = handle.directTunnelClient();
        TunnelDescription before = admin.describeTunnel(tableName, tunnelName);
        String tunnelId = before.tunnel().tunnelId();
        Map<String, String> ownerByChannel = openChannelOwners(before);
        for (String owner : new LinkedHashSet<>(ownerByChannel.values())) {
            releaseOnBehalfOf(tunnelId, owner);
        }
        TunnelDescription after = admin.describeTunnel(tableName, tunnelName);
        List<ChannelMove> moves = new ArrayList<>();
        ownerByChannel.forEach((channel, from) -> {
            String to = after.channels().stream().filter(c -> c.channelId().equals(channel)).findFirst()
                    .map(ChannelInfo::ownerClientId).orElse(null);
            moves.add(new ChannelMove(channel, from, to));
        });
        log.info("Revoked the channels of tunnel {}/{}: {}", tableName, tunnelName, moves);
        return List.copyOf(moves);
    }

    private static Map<String, String> openChannelOwners(TunnelDescription description) {
        Map<String, String> ownerByChannel = new LinkedHashMap<>();
        description.channels().stream()
                .filter(c -> c.status() == ChannelInfo.Status.OPEN && c.ownerClientId() != null)
                .sorted(Comparator.comparing(ChannelInfo::channelId))
                .forEach(c -> ownerByChannel.put(c.channelId(), c.ownerClientId()));
        return ownerByChannel;
    }

    private void schedule(String tunnelId, String channelId, TunnelProtos.ChannelStatus status) {
        try {
            handle.tunnelModule().schedule(handle.instanceName(), tunnelId, channelId, status)
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while scheduling " + channelId, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("scheduling " + channelId + " " + status + " failed: " + e.getMessage(),
                    e);
        }
    }

    /** Reports every OPEN channel of {@code owner} as CLOSE one version above the server's. */
    private void releaseOnBehalfOf(String tunnelId, String owner) {
        for (int attempt = 1; attempt <= REBALANCE_ATTEMPTS; attempt++) {
            // An empty report changes nothing but returns the owner's channels with their current versions.
            List<TunnelProtos.Channel> held = heartbeat(tunnelId, owner, List.of()).getChannelsList();
            List<TunnelProtos.Channel> release = held.stream()
                    .filter(c -> c.getStatus() == TunnelProtos.ChannelStatus.OPEN)
                    .map(c -> c.toBuilder().setVersion(c.getVersion() + 1)
                            .setStatus(TunnelProtos.ChannelStatus.CLOSE).build())
                    .toList();
            if (release.isEmpty()) {
                return;
            }
            List<TunnelProtos.Channel> still = heartbeat(tunnelId, owner, release).getChannelsList();
            if (still.stream().noneMatch(c -> c.getStatus() == TunnelProtos.ChannelStatus.OPEN)) {
                return;
            }
            // The owner raised a version between our two calls; read the versions again.
        }
        throw new IllegalStateException("could not release the channels of client " + owner + " after "
                + REBALANCE_ATTEMPTS + " attempts");
    }

    /** The owner's session heartbeat, sent in process through the tunnel module's public {@code heartbeatAs}. */
    private TunnelProtos.HeartbeatResponse heartbeat(String tunnelId, String clientId,
                                                     List<TunnelProtos.Channel> channels) {
        TunnelProtos.HeartbeatRequest request = TunnelProtos.HeartbeatRequest.newBuilder()
                .setTunnelId(tunnelId).setClientId(clientId).addAllChannels(channels).build();
        try {
            return handle.tunnelModule().heartbeatAs(handle.instanceName(), request).toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while releasing channels of " + clientId, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("heartbeat on behalf of " + clientId + " failed: " + e.getMessage(), e);
        }
    }

    /** ListTunnel describes every tunnel on its queue, so it returns after all work queued before it. */
    private void flushTunnelQueues() {
        handle.directTunnelClient().listTunnels();
    }
}
