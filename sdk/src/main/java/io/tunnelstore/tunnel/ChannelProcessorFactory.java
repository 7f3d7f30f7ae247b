package io.tunnelstore.tunnel;

/**
 * Creates one {@link ChannelProcessor} per channel assignment. Called on the worker's process threads; must be
 * thread-safe when the worker consumes several channels.
 */
@FunctionalInterface
public interface ChannelProcessorFactory {

    /**
     * Creates the processor for a newly assigned channel. Throwing hands the channel back to the server.
     *
     * @param context the channel (no batch yet)
     */
    ChannelProcessor create(ChannelContext context) throws Exception;

    /** A value copied into every {@link ChannelContext#customValue()}; default null. */
    default Object customValue() {
        return null;
    }
}
