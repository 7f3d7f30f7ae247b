package io.tunnelstore.server.tunnel;

import io.tunnelstore.server.table.TableCatalog;
import io.tunnelstore.server.table.TableDescriptor;
import io.tunnelstore.coordinator.TunnelCoordinator;
import io.tunnelstore.coordinator.TunnelDescription;
import io.tunnelstore.coordinator.TunnelStage;
import io.tunnelstore.coordinator.TunnelType;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic task of the Tunnel Service, run for every tunnel on its queue: expires clients that stopped
 * heartbeating (their channels move to live clients), deletes the tunnels of dropped tables, adds stream channels
 * for the child shards of partition splits ({@link SplitChildChannels}), and applies the
 * retention rules of the seed:
 * <ul>
 *   <li>a BaseAndStream tunnel whose base phase has lasted longer than the table's stream retention is expired
 *       (its stream start position may already be trimmed): workers get OTSTunnelExpired;</li>
 *   <li>a tunnel expired for longer than {@link TunnelServiceConfig#disableAfterExpired()} is disabled.</li>
 * </ul>
 * Stream channels that fall behind retention are handled lazily by {@link RecordReader} (resume at the oldest
 * record, loss recorded). Time comes in as {@code nowMillis}, so tests drive it directly.
 *
 * <p>Thread-safe; {@link #tick} only enqueues work.
 */
final class TunnelLifecycleTicker {
    private static final Logger LOG = LoggerFactory.getLogger(TunnelLifecycleTicker.class);

    private final TunnelRegistry registry;
    private final TableCatalog catalog;
    private final Duration disableAfterExpired;

    TunnelLifecycleTicker(TunnelRegistry registry, TableCatalog catalog, Duration disableAfterExpired) {
        this.registry = registry;
        this.catalog = catalog;
        this.disableAfterExpired = disableAfterExpired;
    }

    /** Enqueues one tick on every tunnel's queue. */
    void tick(long nowMillis) {
        for (TunnelRuntime rt : registry.all()) {
            if (catalog.findById(rt.definition().tableId()).isEmpty()) {
                // the table was dropped (or re-created under a new id): its tunnels go with it, as in Tablestore;
                // their workers get "tunnel not exist" and stop
                LOG.info("Deleting tunnel {} ({}): table {} no longer exists", rt.definition().tunnelName(),
                        rt.tunnelId(), rt.definition().tableName());
                registry.remove(rt);
                continue;
            }
            rt.call(c -> {
                c.tick(nowMillis);
                applyRetention(rt.definition(), c, nowMillis);
                return null;
            }).exceptionally(e -> {
                if (!rt.deleted()) {
                    LOG.error("Tick of tunnel {} failed", rt.tunnelId(), e);
                }
                return null;
            });
            addSplitChildren(rt);
        }
    }

    /** Adds stream channels for shards that partition splits created since the tunnel last looked. */
    private void addSplitChildren(TunnelRuntime rt) {
        if (rt.definition().type() == TunnelType.BASE_DATA || rt.unusable()) {
            return;
        }
        Optional<TableDescriptor> found = catalog.findById(rt.definition().tableId());
        if (found.isEmpty() || SplitChildChannels.missing(rt.definition(), found.get()).isEmpty()) {
            return; // the common case: nothing split, no queue work
        }
        found.ifPresent(table -> rt.addStreamChannels(
                def -> SplitChildChannels.missing(def, table)).thenAccept(n -> {
                    if (n > 0) {
                        LOG.info("Tunnel {} ({}): added {} stream channel(s) for split shards of {}",
                                rt.definition().tunnelName(), rt.tunnelId(), n, table.tableName());
                    }
                }).exceptionally(e -> {
                    if (!rt.deleted()) {
                        LOG.error("Tunnel {}: adding the channels of split shards failed", rt.tunnelId(), e);
                    }
                    return null;
                }));
    }

    private void applyRetention(TunnelDefinition def, TunnelCoordinator c, long nowMillis) {
        TunnelDescription d = c.describe();
        if (d.disabled() != null) {
            return;
        }
        if (d.expiry() != null) {
            if (nowMillis - d.expiry().atMillis() > disableAfterExpired.toMillis()) {
                c.disable(nowMillis, "expired for more than " + disableAfterExpired.toHours() + " h");
                LOG.warn("Tunnel {} ({}) disabled: expired since {} ms", def.tunnelName(), def.tunnelId(),
                        d.expiry().atMillis());
            }
            return;
        }
        if (def.type() != TunnelType.BASE_AND_STREAM || d.stage() == TunnelStage.PROCESS_STREAM) {
            return;
        }
        Optional<TableDescriptor> table = catalog.findById(def.tableId());
        if (table.isEmpty()) {
            return;
        }
        long retention = table.get().stream().expirationMillis();
        if (nowMillis - def.createTimeMillis() > retention) {
            String reason = "the base data phase outlived the stream retention of "
                    + table.get().stream().expirationHours() + " h";
            c.expire(nowMillis, reason);
            LOG.warn("Tunnel {} ({}) expired: {}", def.tunnelName(), def.tunnelId(), reason);
        }
    }
}
