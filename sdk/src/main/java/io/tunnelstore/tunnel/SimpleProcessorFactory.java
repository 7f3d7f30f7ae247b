package io.tunnelstore.tunnel;

import java.util.List;
import java.util.Objects;

/**
 * The quick-start factory: one callback for every batch of every channel, plus a custom value visible in the
 * context. Equivalent to the seed's {@code SimpleProcessFactory}. Immutable.
 *
 * <pre>{@code
 * ChannelProcessorFactory factory = SimpleProcessorFactory.of("my-app",
 *     (ctx, records) -> records.forEach(r -> System.out.println(ctx.customValue() + " " + r)));
 * }</pre>
 */
public final class SimpleProcessorFactory implements ChannelProcessorFactory {

    /** The per-batch callback. Called on process threads, never concurrently for one channel. */
    @FunctionalInterface
    public interface BatchCallback {
        void process(ChannelContext context, List<StreamRecord> records) throws Exception;
    }

    private final Object customValue;
    private final BatchCallback callback;

    private SimpleProcessorFactory(Object customValue, BatchCallback callback) {
        this.customValue = customValue;
        this.callback = Objects.requireNonNull(callback, "callback");
    }

    /** A factory whose processors call {@code callback}; {@code customValue} may be null. */
    public static SimpleProcessorFactory of(Object customValue, BatchCallback callback) {
        return new SimpleProcessorFactory(customValue, callback);
    }

    @Override
    public ChannelProcessor create(ChannelContext context) {
        return callback::process;
    }

    @Override
    public Object customValue() {
        return customValue;
    }
}
