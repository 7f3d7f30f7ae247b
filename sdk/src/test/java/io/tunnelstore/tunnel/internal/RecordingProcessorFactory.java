package io.tunnelstore.tunnel.internal;

import io.tunnelstore.tunnel.ChannelContext;
import io.tunnelstore.tunnel.ChannelProcessor;
import io.tunnelstore.tunnel.ChannelProcessorFactory;
import io.tunnelstore.tunnel.StreamRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Records every callback as text ("start:c1", "lost:c1", …) and the record ids processed per channel. */
public final class RecordingProcessorFactory implements ChannelProcessorFactory {
    private final List<String> events = new ArrayList<>();
    private final Map<String, List<Long>> processed = new HashMap<>();
    private final Map<String, Integer> failuresLeft = new HashMap<>();
    private final List<String> failStart = new ArrayList<>();
    private final List<ChannelContext> contexts = new ArrayList<>();

    /** The next {@code times} process calls of {@code channelId} throw. */
    public synchronized void failProcess(String channelId, int times) {
        failuresLeft.put(channelId, times);
    }

    /** onStart of {@code channelId} throws. */
    public synchronized void failStart(String channelId) {
        failStart.add(channelId);
    }

    public synchronized List<String> events() {
        return List.copyOf(events);
    }

    public synchronized List<String> events(String channelId) {
        return events.stream().filter(e -> e.endsWith(":" + channelId) || e.contains(":" + channelId + ":"))
                .toList();
    }

    public synchronized List<Long> processed(String channelId) {
        return List.copyOf(processed.getOrDefault(channelId, List.of()));
    }

    public synchronized List<Long> processedAll() {
        List<Long> all = new ArrayList<>();
        processed.values().forEach(all::addAll);
        return all;
    }

    public synchronized List<ChannelContext> contexts() {
        return List.copyOf(contexts);
    }

    private synchronized void event(String e) {
        events.add(e);
    }

    @Override
    public Object customValue() {
        return "custom";
    }

    @Override
    public ChannelProcessor create(ChannelContext context) {
        return new ChannelProcessor() {
            @Override
            public void onStart(ChannelContext ctx) {
                event("start:" + ctx.channelId());
                synchronized (RecordingProcessorFactory.this) {
                    if (failStart.contains(ctx.channelId())) {
                        throw new IllegalStateException("start failure for " + ctx.channelId());
                    }
                }
            }

            @Override
            public void process(ChannelContext ctx, List<StreamRecord> records) {
                List<Long> ids = records.stream().map(CoordinatorTunnelServer::id).toList();
                synchronized (RecordingProcessorFactory.this) {
                    contexts.add(ctx);
                    int left = failuresLeft.getOrDefault(ctx.channelId(), 0);
                    if (left > 0) {
                        failuresLeft.put(ctx.channelId(), left - 1);
                        events.add("fail:" + ctx.channelId() + ":" + ids);
                        throw new IllegalStateException("callback failure for " + ctx.channelId());
                    }
                    events.add("process:" + ctx.channelId() + ":" + ids);
                    processed.computeIfAbsent(ctx.channelId(), k -> new ArrayList<>()).addAll(ids);
                }
            }

            @Override
            public void onLost(ChannelContext ctx) {
                event("lost:" + ctx.channelId());
            }

            @Override
            public void onChannelEnd(ChannelContext ctx) {
                event("end:" + ctx.channelId());
            }

            @Override
            public void onShutdown(ChannelContext ctx) {
                event("shutdown:" + ctx.channelId());
            }
        };
    }
}
